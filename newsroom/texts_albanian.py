"""Albanian seed stories (Kosovo and Albania). Invented events; written for this project."""

from __future__ import annotations

from newsroom.texts import SeedStory

# Formula the water utility's notices repeat; shared by two different outage stories.
_WATER_NOTICE = (
    "Kompania rajonale e ujësjellësit „Prishtina” u kërkon qytetarëve mirëkuptim dhe njofton se "
    "informatat e reja për furnizimin me ujë do të publikohen në faqen e saj zyrtare dhe në "
    "rrjetet sociale."
)

_GJAKOVA = (
    "Agjencia amerikane për zhvillim ndërkombëtar ka nënshkruar të mërkurën një marrëveshje me "
    "Komunën e Gjakovës për financimin e rrjetit të ri të ngrohjes qendrore, në vlerë prej 12 "
    "milionë dollarësh. Projekti parashikon shtrirjen e rrjetit në tri lagje ku sot banorët "
    "ngrohen kryesisht me dru dhe qymyr.",
    "Sipas marrëveshjes, punimet do të nisin në pranverë dhe do të zgjasin dy sezone ndërtimi. "
    "Komuna do të kontribuojë me 1.8 milionë euro për rikonstruimin e nënstacioneve dhe për "
    "lidhjen e shkollave me rrjetin.",
    "Kryetari i komunës tha në ceremoninë e nënshkrimit se rreth 4,500 familje do të kenë "
    "ngrohje më të lirë dhe më të pastër. „Ky është investimi më i madh në infrastrukturë që "
    "qyteti ka marrë që nga paslufta”, deklaroi ai.",
    "Zyrtarët amerikanë theksuan se projekti synon gjithashtu të ulë ndotjen e ajrit gjatë "
    "dimrit, kur Gjakova shpesh renditet ndër qytetet me ajrin më të ndotur në rajon. Matjet e "
    "cilësisë së ajrit do të publikohen çdo muaj në faqen e komunës.",
)

STORIES: tuple[SeedStory, ...] = (
    SeedStory(
        key="za-gjakova-heating",
        outlet="zeri-atlantik",
        section="Kosova",
        title="SHBA ndan 12 milionë dollarë për ngrohjen qendrore në Gjakovë",
        paragraphs=_GJAKOVA,
        day=9,
        at="10:20",
        author="Arta Berisha",
    ),
    SeedStory(
        key="kk-gjakova-heating-voa",
        outlet="kronika",
        section="Kosova & Bota",
        title="SHBA jep 12 milionë dollarë për ngrohjen qendrore të Gjakovës",
        paragraphs=_GJAKOVA[:-1] + (_GJAKOVA[-1] + " / VOA",),
        copy_of="za-gjakova-heating",
        delay=95,
        credit="VOA",
        author="Redaksia",
    ),
    SeedStory(
        key="za-diaspora-remittances",
        outlet="zeri-atlantik",
        section="Ekonomi",
        title="Dërgesat e mërgimtarëve arrijnë nivel rekord në tremujorin e tretë",
        paragraphs=(
            "Mërgimtarët dërguan në Kosovë 412 milionë euro gjatë tremujorit të tretë, sipas të "
            "dhënave të publikuara nga banka qendrore. Kjo është shuma më e lartë tremujore që "
            "nga fillimi i matjeve të rregullta.",
            "Pjesa më e madhe e dërgesave erdhi nga Gjermania dhe Zvicra, ndërsa rritja më e "
            "shpejtë u shënua nga mërgimtarët në Shtetet e Bashkuara. Ekonomistët thonë se "
            "verën e kaluar shumë familje u kthyen për pushime më gjatë se zakonisht.",
            "Analistët paralajmërojnë se mbështetja e madhe te dërgesat e fsheh dobësinë e "
            "tregut vendor të punës. „Paratë shkojnë kryesisht në konsum dhe në ndërtim "
            "shtëpish, jo në biznese që hapin vende pune”, tha një profesor i ekonomisë në "
            "Prishtinë.",
        ),
        day=10,
        at="14:00",
        author="Blerim Krasniqi",
    ),
    SeedStory(
        key="za-vineyards-rahovec",
        outlet="zeri-atlantik",
        section="Shoqëri",
        title="Vreshtarët e Rahovecit kërkojnë ndihmë pas breshërit të tetorit",
        paragraphs=(
            "Dhjetëra vreshtarë në Rahovec thonë se breshëri i fundit i tetorit ua shkatërroi "
            "deri në gjysmën e rrushit që ende nuk ishte vjelë. Ata kanë kërkuar nga ministria e "
            "bujqësisë kompensim të shpejtë para se të fillojë dimri.",
            "Një komision i përbashkët i komunës dhe ministrisë ka vizituar 140 parcela dhe "
            "pritet të publikojë raportin e dëmeve brenda dy javësh. Sipas vlerësimeve "
            "paraprake, dëmi kalon 900 mijë euro.",
            "Prodhuesit më të vegjël janë më të goditurit, sepse shumica e tyre nuk kanë "
            "sigurim të të mbjellave. „Pa ndihmë, pranverën nuk do të kemi me çka t’i "
            "spërkasim hardhitë”, tha një vreshtar nga fshati Krusha e Madhe.",
        ),
        day=3,
        at="17:25",
        author="Arta Berisha",
    ),
    SeedStory(
        key="kk-water-dardania",
        outlet="kronika",
        section="Prishtina",
        title="Reduktime të ujit në lagjen Dardania pas një defekti në gypin kryesor",
        paragraphs=(
            "Banorët e lagjes Dardania në Prishtinë kanë mbetur pa ujë që nga mëngjesi i së "
            "hënës, pasi një gyp kryesor u dëmtua gjatë punimeve në rrugën „Agim Ramadani”. "
            "Kompania rajonale e ujësjellësit tha se defekti prek rreth 3,000 banesa.",
            "Ekipet teknike punuan gjatë gjithë natës dhe furnizimi pritet të rikthehet "
            "gradualisht deri në orën 18:00. Deri atëherë, dy autocisterna do të qëndrojnë "
            "pranë shkollës fillore të lagjes.",
            "Kompania u kërkoi qytetarëve që ujin e parë pas rikthimit ta përdorin vetëm për "
            "pastrim, derisa të përfundojnë analizat laboratorike.",
            _WATER_NOTICE,
        ),
        day=11,
        at="08:15",
        author="Lirika Gashi",
    ),
    SeedStory(
        key="kk-water-ulpiana",
        outlet="kronika",
        section="Prishtina",
        title="Pa ujë për dy ditë banorët e Ulpianës, ujësjellësi premton zgjidhje",
        paragraphs=(
            "Disa hyrje banesash në lagjen Ulpiana të Prishtinës nuk kanë pasur ujë të "
            "rrjedhshëm për dy ditë rresht, për shkak të një pompe të djegur në stacionin e "
            "presionit. Banorët e kateve të larta janë më të prekurit.",
            "Drejtori teknik i ujësjellësit tha se pompa e re është porositur nga Shkupi dhe "
            "do të montohet të enjten. Ndërkohë, presioni do të rritet përkohësisht gjatë "
            "natës, nga ora 22:00 deri në 05:00.",
            "Këshilltarët komunalë të opozitës kërkuan një seancë të jashtëzakonshme për "
            "gjendjen e rrjetit, duke thënë se ky është ndërprerja e katërt në lagje që nga "
            "shtatori.",
            "Kompania ka hapur një linjë telefonike për raportimin e problemeve dhe ka "
            "premtuar zbritje në faturën e muajit për familjet e prekura.",
            _WATER_NOTICE,
        ),
        day=4,
        at="07:50",
        author="Lirika Gashi",
    ),
    SeedStory(
        key="kk-kqz-recount",
        outlet="kronika",
        section="Politikë",
        title="KQZ vendos rinumërimin e votave në dy vendvotime të Kamenicës",
        paragraphs=(
            "Komisioni Qendror i Zgjedhjeve vendosi të hënën që votat në dy vendvotime të "
            "Kamenicës të rinumërohen, pasi procesverbalet nuk përputheshin me numrin e "
            "fletëvotimeve në kuti.",
            "Vendimi u mor me shtatë vota pro dhe tri kundër. Rinumërimi do të bëhet në "
            "qendrën e numërimit në Prishtinë, në prani të vëzhguesve të partive dhe të "
            "organizatave joqeveritare.",
            "Diferenca mes dy kandidatëve për kryetar në balotazhin e zgjedhjeve të "
            "jashtëzakonshme është vetëm 63 vota. Rezultati përfundimtar pritet të "
            "certifikohet brenda javës.",
        ),
        day=6,
        at="16:30",
        author="Driton Hoxha",
    ),
    SeedStory(
        key="kk-football-derby",
        outlet="kronika",
        section="Sport",
        title="Rinia fiton derbin e Dukagjinit me një gol në minutën e fundit",
        paragraphs=(
            "KF Rinia mundi të shtunën KF Bjeshka me rezultat 2:1 në derbin e Dukagjinit, "
            "para rreth 5,000 spektatorëve në stadiumin e qytetit.",
            "Mysafirët kaluan në epërsi në minutën e 34-t pas një goditjeje këndore, por "
            "vendasit barazuan menjëherë pas pushimit. Goli i fitores erdhi në minutën e "
            "shtatë të shtesës, me kokë nga mbrojtësi qendror.",
            "Me këtë fitore, Rinia ngjitet në vendin e dytë të tabelës, dy pikë pas kreut. "
            "Trajneri i Bjeshkës tha pas ndeshjes se gjyqtari duhej të kishte dhënë një "
            "penallti në pjesën e parë.",
        ),
        day=2,
        at="21:10",
        author="Valon Morina",
    ),
    SeedStory(
        key="kk-winter-roads",
        outlet="kronika",
        section="Kosova & Bota",
        title="Reshjet e para të borës vështirësojnë qarkullimin në rrugët malore",
        paragraphs=(
            "Reshjet e para të borës kanë vështirësuar qarkullimin në rrugën Pejë–Rozhajë dhe "
            "në qafën e Duhlës, ku trashësia e borës arriti 20 centimetra gjatë natës.",
            "Policia u bëri thirrje shoferëve që të mos nisen pa goma dimërore dhe zinxhirë. "
            "Kamionët me peshë mbi 7.5 tonë nuk lejohen të kalojnë në rrugën e Rugovës deri "
            "në njoftimin e radhës.",
            "Ndërmarrja për mirëmbajtjen e rrugëve tha se ka angazhuar 46 automjete dhe se "
            "rezervat e kripës janë të mjaftueshme për të gjithë sezonin.",
        ),
        day=1,
        at="19:05",
        author="Redaksia",
    ),
    SeedStory(
        key="td-tirana-budget",
        outlet="tirana-ditore",
        section="Aktualitet",
        title="Këshilli Bashkiak miraton buxhetin e Tiranës për vitin 2027",
        paragraphs=(
            "Këshilli Bashkiak i Tiranës miratoi të enjten buxhetin për vitin 2027, në vlerë "
            "prej 38.6 miliardë lekësh, me 41 vota pro dhe 17 kundër.",
            "Më shumë se një e treta e fondeve shkon për investime, kryesisht për rrugët e "
            "njësive administrative periferike, për dy kopshte të reja dhe për rinovimin e "
            "tregut të Kombinatit.",
            "Opozita kritikoi rritjen e shpenzimeve për administratën dhe kërkoi që tarifa e "
            "pastrimit të mos rritet. Bashkia u përgjigj se tarifat për familjet mbeten të "
            "pandryshuara.",
            "Buxheti parashikon gjithashtu 600 milionë lekë për transportin publik, përfshirë "
            "blerjen e 20 autobusëve elektrikë.",
        ),
        day=12,
        at="13:00",
        author="Elona Shehu",
    ),
    SeedStory(
        key="td-ere-price",
        outlet="tirana-ditore",
        section="Ekonomi",
        title="ERE lë të pandryshuar çmimin e energjisë për familjet deri në mars",
        paragraphs=(
            "Enti Rregullator i Energjisë vendosi që çmimi i energjisë elektrike për konsumatorët "
            "familjarë të mbetet i pandryshuar deri në fund të marsit, pavarësisht rritjes së "
            "çmimeve në bursat rajonale.",
            "Për bizneset e vogla me konsum mbi 50 mijë kilovatorë në vit, tarifa rritet me 4 "
            "për qind nga janari. Sipas entit, ndryshimi mbulon koston e importit gjatë "
            "muajve të thatë.",
            "Shoqatat e konsumatorëve e mirëpritën vendimin për familjet, por kërkuan që enti "
            "të publikojë llogaritjet e plota të kostos.",
        ),
        day=7,
        at="11:45",
        author="Ardit Leka",
    ),
    SeedStory(
        key="td-vjosa-bridge",
        outlet="tirana-ditore",
        section="Aktualitet",
        title="Hapet ura e re mbi Vjosë që bashkon fshatrat e luginës",
        paragraphs=(
            "Ura e re mbi lumin Vjosa, me gjatësi 286 metra, u hap të shtunën për qarkullim, pas "
            "tetëmbëdhjetë muajsh punimesh. Ajo zëvendëson urën e vjetër metalike, e cila ishte "
            "mbyllur për automjetet e rënda që prej tre vitesh.",
            "Projekti kushtoi 9.4 milionë euro dhe u financua me grant nga Bashkimi Evropian "
            "dhe me fonde nga buxheti i shtetit. Ura ka dy korsi dhe trotuare në të dyja anët.",
            "“This bridge connects farmers in the valley with markets on both sides of the "
            "river, and it was built to last a hundred years,” said the head of the EU "
            "delegation, speaking in English at the opening ceremony.",
            "Banorët e fshatrave përreth thanë se deri tani duhej të bënin një rrugë 40 "
            "kilometra më të gjatë për të shkuar në qytet.",
        ),
        day=5,
        at="12:30",
        author="Elona Shehu",
    ),
    SeedStory(
        key="td-shkoder-rain",
        outlet="tirana-ditore",
        section="Moti",
        title="Paralajmërim për reshje të dendura në Shkodër dhe Lezhë",
        paragraphs=(
            "Instituti i Gjeoshkencave ka lëshuar paralajmërim të nivelit portokalli për "
            "Shkodrën dhe Lezhën, ku brenda 24 orëve pritet të bien deri në 120 milimetra shi.",
            "Niveli i liqenit të Shkodrës është rritur me 35 centimetra gjatë javës së fundit. "
            "Shërbimet e emergjencave kanë vendosur thasë me rërë në zonën e Zues dhe në "
            "lagjet pranë Bunës.",
            "Prefektura u kërkoi banorëve të zonave të ulëta të mos lëvizin natën pa nevojë dhe "
            "të ndjekin njoftimet e policisë bashkiake.",
        ),
        day=3,
        at="06:40",
        author="Ardit Leka",
    ),
    SeedStory(
        key="td-school-meals",
        outlet="tirana-ditore",
        section="Shoqëri",
        title="Dreka falas për nxënësit e klasave të para në 30 shkolla",
        paragraphs=(
            "Bashkia nisi këtë javë programin e drekës falas për nxënësit e klasave të para në "
            "30 shkolla të kryeqytetit. Në fazën e parë përfitojnë rreth 2,700 fëmijë.",
            "Menyja përgatitet nga dy kuzhina qendrore dhe kontrollohet çdo javë nga "
            "nutricionistë të autoritetit të ushqimit. Prindërit mund ta shohin menynë në "
            "faqen e shkollës.",
            "Drejtuesit e bashkisë thanë se programi do të shtrihet te klasat e dyta nga "
            "shtatori, nëse vlerësimi i semestrit të parë del pozitiv.",
        ),
        day=1,
        at="10:05",
        author="Elona Shehu",
    ),
)
