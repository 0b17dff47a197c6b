"""English seed stories (a regional service and an Albanian outlet's English section)."""

from __future__ import annotations

from newsroom.texts import SeedStory

STORIES: tuple[SeedStory, ...] = (
    SeedStory(
        key="kk-en-gjakova-heating",
        outlet="kronika",
        section="English",
        language="en",
        title="US to fund $12 million district heating network in Gjakova",
        paragraphs=(
            "The United States will pay for a new district heating network in the western "
            "Kosovo town of Gjakova under an agreement signed on Wednesday between the American "
            "development agency and the municipality.",
            "Work is due to start in spring and take two building seasons. The town is adding "
            "1.8 million euros of its own to rebuild substations and connect local schools.",
            "Local officials expect around 4,500 households that now burn wood and coal to "
            "switch to the network. The mayor called it the biggest infrastructure grant the "
            "town had received since the war.",
            "US officials said cleaner heating should also cut the winter smog that often puts "
            "Gjakova among the most polluted towns in the region. / VOA",
        ),
        day=9,
        at="15:40",
        credit="VOA",
        translation_of="za-gjakova-heating",
        author="Kronika English desk",
    ),
    SeedStory(
        key="bw-growth-plan",
        outlet="balkan-wire",
        section="Region",
        title="Brussels releases first Growth Plan tranche to three Western Balkan states",
        paragraphs=(
            "The European Commission said on Tuesday it had released a first tranche of 214 "
            "million euros under its growth plan for the Western Balkans, split between "
            "Albania, Montenegro and North Macedonia.",
            "The payments follow reform reports in which the three governments showed progress "
            "on public procurement, customs digitalisation and energy market rules. Serbia, "
            "Bosnia and Herzegovina and Kosovo are still waiting for their assessments.",
            "Economists in the region welcomed the money but warned that the conditions attached "
            "to the next tranches, including judicial reforms, would be far harder to meet.",
            "A Commission spokesperson said the second review would take place in the spring.",
        ),
        day=8,
        at="09:30",
        author="Mark Ellison",
    ),
    SeedStory(
        key="bw-sec-mk",
        outlet="balkan-wire",
        section="North Macedonia",
        title="North Macedonia's election commission rejects two municipal candidate lists",
        paragraphs=(
            "North Macedonia's State Election Commission rejected on Friday the candidate lists "
            "of two local coalitions for a council by-election in Kičevo, saying they had "
            "submitted too few valid voter signatures.",
            "Both coalitions said they would appeal to the Administrative Court, which has 48 "
            "hours to decide. The vote is scheduled for the second Sunday of next month.",
            "Observers from a domestic monitoring group said the signature rules were applied "
            "more strictly than in previous by-elections and called for clearer guidance.",
        ),
        day=10,
        at="17:15",
        author="Ana Petrovska",
    ),
    SeedStory(
        key="bw-border-queues",
        outlet="balkan-wire",
        section="Kosovo",
        title="Holiday traffic brings long queues at Kosovo's northern crossings",
        paragraphs=(
            "Drivers waited up to four hours on Sunday at the Jarinje and Merdare crossings "
            "between Kosovo and Serbia as members of the diaspora headed home for a long "
            "weekend.",
            "Kosovo police said more than 11,000 vehicles crossed in 24 hours, most of them with "
            "German, Swiss and Austrian plates. Extra lanes were opened at Merdare in the "
            "afternoon.",
            "Travel agencies advised passengers to use the Dheu i Bardhë crossing from North "
            "Macedonia, where the wait was under an hour.",
        ),
        day=2,
        at="15:50",
        author="Mark Ellison",
    ),
    SeedStory(
        key="bw-adriatic-ports",
        outlet="balkan-wire",
        section="Region",
        title="Adriatic ports report record container traffic as rail links improve",
        paragraphs=(
            "Container traffic through the ports of Bar, Durrës and Rijeka rose by almost a "
            "fifth in the first ten months of the year, according to figures released by the "
            "three port authorities.",
            "Port managers credited new freight rail connections to Belgrade and Budapest, "
            "which have cut transit times for goods bound for central Europe.",
            "Shipping firms said congestion at larger northern European ports had also pushed "
            "some cargo towards the Adriatic, a trend they expect to continue next year.",
            "Durrës said it would open a second container quay in 2028.",
        ),
        day=5,
        at="08:10",
        author="Ana Petrovska",
    ),
)
