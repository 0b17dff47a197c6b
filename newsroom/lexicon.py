"""Word lists for synthetic articles: sentence parts in each language, written for this project.

A sentence is [opener] subject predicate [complement]; the parts are short and independent so
that two generated articles share few word sequences. Predicates use the present tense (or, in
Albanian, a tense without gender agreement) so any subject fits any predicate. Slots: {n}, {pct},
{money}, {year}, {day}, {month}, {city} (the form used after "in"; titles use the first form).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Lexicon:
    openers: tuple[str, ...]
    subjects: tuple[str, ...]
    predicates: tuple[str, ...]
    complements: tuple[str, ...]
    days: tuple[str, ...]
    months: tuple[str, ...]
    cities: tuple[tuple[str, str], ...]  # (title form, form after "in")
    money: str


def _split(text: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in text.strip().split("|"))


def _cities(text: str) -> tuple[tuple[str, str], ...]:
    return tuple(tuple(p.split("/")) for p in _split(text))  # type: ignore[misc]


LEXICONS: dict[str, Lexicon] = {
    "en": Lexicon(
        openers=_split("""On {day}, | According to a statement, | Officials said that |
            As reported earlier, | In a session that lasted {n} minutes, | After a public consultation, |
            Speaking to reporters, the spokesperson said | For the first time since {year}, |
            After weeks of delay, | Late in the afternoon,"""),
        subjects=_split("""the city council | the regional development agency | the health ministry |
            the municipal water utility | the public transport company | the local chamber of commerce |
            the education directorate | the road maintenance authority | the tourism board |
            the mayor | the energy regulator | the statistics office"""),
        predicates=_split("""approved a plan worth {money} | announced {n} new jobs |
            reviewed the budget for next year | opened a tender for {n} kilometres of new roads |
            postponed the vote on the waste tariff | signed a contract with a local builder |
            published figures showing a rise of {pct} percent | promised to repair {n} school buildings |
            asked the government for an extra {money} | cut the price of monthly tickets by {pct} percent |
            launched inspections at {n} construction sites | extended the deadline for applications |
            received {n} complaints from residents | presented a new timetable |
            rejected an appeal by the opposition"""),
        complements=_split("""in {city} | by the end of {month} | for about {n} households |
            after a long debate | despite objections from residents | with support from European funds |
            under pressure from local businesses | as part of a three-year programme |
            ahead of the winter season | together with {n} neighbouring municipalities"""),
        days=_split("Monday | Tuesday | Wednesday | Thursday | Friday"),
        months=_split("""January | February | March | April | May | June | July | August |
            September | October | November | December"""),
        cities=_cities("""Skopje/Skopje | Tirana/Tirana | Pristina/Pristina | Sarajevo/Sarajevo |
            Podgorica/Podgorica | Belgrade/Belgrade | Mostar/Mostar | Shkodra/Shkodra | Nis/Nis |
            Ohrid/Ohrid | Prizren/Prizren | Split/Split"""),
        money="{n} million euros",
    ),
    "sq": Lexicon(
        openers=_split("""Të {day}, | Sipas një njoftimi zyrtar, | Zyrtarët thanë se |
            Siç është raportuar më herët, | Pas një seance që zgjati {n} minuta, |
            Pas konsultimeve publike, | Në një deklaratë për mediat u tha se |
            Për herë të parë që nga viti {year}, | Pas disa javësh vonesë, | Në orët e pasdites,"""),
        subjects=_split("""kuvendi komunal | agjencia rajonale e zhvillimit | ministria e shëndetësisë |
            ndërmarrja e ujësjellësit | kompania e transportit publik | oda ekonomike vendore |
            drejtoria e arsimit | agjencia për mirëmbajtjen e rrugëve | bordi i turizmit |
            kryetari i komunës | enti rregullator i energjisë | zyra e statistikave"""),
        predicates=_split("""miratoi një plan në vlerë prej {money} | njoftoi hapjen e {n} vendeve të punës |
            shqyrtoi buxhetin për vitin e ardhshëm | hapi tenderin për {n} kilometra rrugë të reja |
            shtyu votimin për tarifën e mbeturinave | nënshkroi kontratë me një kompani ndërtimi |
            publikoi të dhëna që tregojnë rritje prej {pct} për qind |
            premtoi riparimin e {n} objekteve shkollore | kërkoi nga qeveria {money} shtesë |
            uli çmimin e biletës mujore për {pct} për qind | nisi inspektimin e {n} kantiereve |
            zgjati afatin për aplikime | pranoi {n} ankesa nga banorët | prezantoi një orar të ri |
            refuzoi ankesën e opozitës"""),
        complements=_split("""në {city} | deri në fund të muajit {month} | për rreth {n} familje |
            pas një debati të gjatë | pavarësisht kundërshtimeve të banorëve |
            me mbështetje nga fondet evropiane | nën presionin e bizneseve vendore |
            si pjesë e një programi trevjeçar | para sezonit të dimrit |
            në bashkëpunim me {n} komuna fqinje"""),
        days=_split("hënën | martën | mërkurën | enjten | premten"),
        months=_split("""janar | shkurt | mars | prill | maj | qershor | korrik | gusht | shtator |
            tetor | nëntor | dhjetor"""),
        cities=_cities("""Prishtina/Prishtinë | Prizreni/Prizren | Peja/Pejë | Gjilani/Gjilan |
            Ferizaji/Ferizaj | Durrësi/Durrës | Elbasani/Elbasan | Korça/Korçë | Vlora/Vlorë |
            Shkodra/Shkodër | Berati/Berat | Fieri/Fier"""),
        money="{n} milionë euro",
    ),
    "sr-Latn": Lexicon(
        openers=_split("""U {day}, | Prema saopštenju, | Zvaničnici navode da | Kako je ranije objavljeno, |
            Posle sednice koja je trajala {n} minuta, | Nakon javne rasprave, |
            Kako se navodi u izveštaju, | Prvi put od {year}. godine, |
            Posle nekoliko nedelja odlaganja, | U popodnevnim satima,"""),
        subjects=_split("""gradsko veće | regionalna razvojna agencija | ministarstvo zdravlja |
            javno komunalno preduzeće vodovod | gradsko saobraćajno preduzeće |
            lokalna privredna komora | školska uprava | uprava za puteve | turistička organizacija |
            gradonačelnik | agencija za energetiku | zavod za statistiku"""),
        predicates=_split("""usvaja plan vredan {money} | najavljuje otvaranje {n} novih radnih mesta |
            razmatra budžet za narednu godinu | raspisuje tender za {n} kilometara novih puteva |
            odlaže glasanje o ceni odvoženja smeća | potpisuje ugovor sa lokalnom građevinskom firmom |
            objavljuje podatke o rastu od {pct} odsto | obećava obnovu {n} školskih zgrada |
            traži od vlade dodatnih {money} | snižava cenu mesečne karte za {pct} odsto |
            pokreće inspekciju na {n} gradilišta | produžava rok za prijave |
            prima {n} pritužbi građana | predstavlja novi red vožnje | odbija žalbu opozicije"""),
        complements=_split("""u {city} | do kraja {month} | za oko {n} domaćinstava |
            posle duge rasprave | uprkos protivljenju stanara | uz podršku evropskih fondova |
            pod pritiskom lokalnih privrednika | u okviru trogodišnjeg programa |
            pred početak zimske sezone | u saradnji sa {n} susednih opština"""),
        days=_split("ponedeljak | utorak | sredu | četvrtak | petak"),
        months=_split("""januara | februara | marta | aprila | maja | juna | jula | avgusta |
            septembra | oktobra | novembra | decembra"""),
        cities=_cities("""Kraljevo/Kraljevu | Čačak/Čačku | Niš/Nišu | Subotica/Subotici |
            Zrenjanin/Zrenjaninu | Šabac/Šapcu | Valjevo/Valjevu | Pančevo/Pančevu |
            Kragujevac/Kragujevcu | Leskovac/Leskovcu | Sombor/Somboru | Vranje/Vranju"""),
        money="{n} miliona dinara",
    ),
    "bs": Lexicon(
        openers=_split("""U {day}, | Prema saopćenju, | Iz nadležnih institucija navode da |
            Kako je ranije objavljeno, | Nakon sjednice koja je trajala {n} minuta, |
            Nakon javne rasprave, | Kako se navodi u izvještaju, | Prvi put od {year}. godine, |
            Nakon nekoliko sedmica odgađanja, | U poslijepodnevnim satima,"""),
        subjects=_split("""općinsko vijeće | regionalna razvojna agencija | kantonalno ministarstvo zdravstva |
            javno preduzeće vodovod i kanalizacija | kantonalno saobraćajno preduzeće |
            privredna komora kantona | ministarstvo obrazovanja | direkcija za ceste |
            turistička zajednica | općinski načelnik | regulatorna komisija za energiju |
            zavod za statistiku"""),
        predicates=_split("""usvaja plan vrijedan {money} | najavljuje otvaranje {n} novih radnih mjesta |
            razmatra budžet za narednu godinu | raspisuje tender za {n} kilometara novih cesta |
            odgađa glasanje o cijeni odvoza smeća | potpisuje ugovor s lokalnom građevinskom firmom |
            objavljuje podatke o rastu od {pct} posto | obećava obnovu {n} školskih objekata |
            traži od vlade dodatnih {money} | snižava cijenu mjesečne karte za {pct} posto |
            pokreće inspekciju na {n} gradilišta | produžava rok za prijave |
            zaprima {n} žalbi građana | predstavlja novi red vožnje | odbija prigovor opozicije"""),
        complements=_split("""u {city} | do kraja {month} | za oko {n} domaćinstava |
            nakon duge rasprave | uprkos protivljenju stanara | uz podršku evropskih fondova |
            pod pritiskom lokalnih privrednika | u okviru trogodišnjeg programa |
            pred početak zimske sezone | u saradnji sa {n} susjednih općina"""),
        days=_split("ponedjeljak | utorak | srijedu | četvrtak | petak"),
        months=_split("""januara | februara | marta | aprila | maja | juna | jula | augusta |
            septembra | oktobra | novembra | decembra"""),
        cities=_cities("""Tuzla/Tuzli | Zenica/Zenici | Mostar/Mostaru | Bihać/Bihaću | Travnik/Travniku |
            Goražde/Goraždu | Konjic/Konjicu | Visoko/Visokom | Cazin/Cazinu |
            Gračanica/Gračanici | Bugojno/Bugojnu | Sarajevo/Sarajevu"""),
        money="{n} miliona KM",
    ),
    "hr": Lexicon(
        openers=_split("""U {day}, | Prema priopćenju, | Iz nadležnih tijela navode da |
            Kako je ranije objavljeno, | Nakon sjednice koja je trajala {n} minuta, |
            Nakon javnog savjetovanja, | Kako se navodi u izvješću, | Prvi put od {year}. godine, |
            Nakon nekoliko tjedana odgode, | U poslijepodnevnim satima,"""),
        subjects=_split("""gradsko vijeće | regionalna razvojna agencija | ministarstvo zdravstva |
            komunalno poduzeće za vodoopskrbu | gradski prijevoznik | županijska gospodarska komora |
            upravni odjel za obrazovanje | uprava za ceste | turistička zajednica | gradonačelnik |
            regulatorna agencija za energetiku | zavod za statistiku"""),
        predicates=_split("""usvaja plan vrijedan {money} | najavljuje otvaranje {n} novih radnih mjesta |
            raspravlja o proračunu za iduću godinu | raspisuje natječaj za {n} kilometara novih cesta |
            odgađa glasanje o cijeni odvoza otpada | potpisuje ugovor s lokalnom građevinskom tvrtkom |
            objavljuje podatke o rastu od {pct} posto | obećava obnovu {n} školskih zgrada |
            traži od vlade dodatnih {money} | snižava cijenu mjesečne karte za {pct} posto |
            pokreće nadzor na {n} gradilišta | produljuje rok za prijave |
            zaprima {n} pritužbi građana | predstavlja novi vozni red | odbija prigovor oporbe"""),
        complements=_split("""u {city} | do kraja {month} | za oko {n} kućanstava |
            nakon duge rasprave | unatoč protivljenju stanara | uz potporu europskih fondova |
            pod pritiskom lokalnih poduzetnika | u sklopu trogodišnjeg programa |
            uoči zimske sezone | u suradnji s {n} susjednih općina"""),
        days=_split("ponedjeljak | utorak | srijedu | četvrtak | petak"),
        months=_split("""siječnja | veljače | ožujka | travnja | svibnja | lipnja | srpnja | kolovoza |
            rujna | listopada | studenoga | prosinca"""),
        cities=_cities("""Rijeka/Rijeci | Osijek/Osijeku | Zadar/Zadru | Pula/Puli | Šibenik/Šibeniku |
            Varaždin/Varaždinu | Karlovac/Karlovcu | Dubrovnik/Dubrovniku |
            Slavonski Brod/Slavonskom Brodu | Sisak/Sisku | Čakovec/Čakovcu | Vukovar/Vukovaru"""),
        money="{n} milijuna eura",
    ),
    "mk": Lexicon(
        openers=_split("""Во {day}, | Според соопштението, | Од надлежните институции велат дека |
            Како што претходно беше објавено, | По седницата што траеше {n} минути, |
            По јавната расправа, | Како што се наведува во извештајот, | За првпат од {year} година, |
            По неколку недели одложување, | Во попладневните часови,"""),
        subjects=_split("""советот на општината | регионалната агенција за развој |
            министерството за здравство | јавното претпријатие за водовод |
            јавното претпријатие за превоз | стопанската комора | бирото за развој на образованието |
            агенцијата за државни патишта | туристичката организација | градоначалникот |
            регулаторната комисија за енергетика | заводот за статистика"""),
        predicates=_split("""усвојува план вреден {money} | најавува отворање на {n} нови работни места |
            го разгледува буџетот за наредната година | распишува тендер за {n} километри нови патишта |
            го одложува гласањето за цената на отпадот | потпишува договор со локална градежна фирма |
            објавува податоци за раст од {pct} отсто | ветува обнова на {n} училишни згради |
            бара од владата дополнителни {money} | ја намалува цената на месечниот билет за {pct} отсто |
            започнува инспекција на {n} градилишта | го продолжува рокот за пријавување |
            прима {n} поплаки од граѓаните | претставува нов возен ред |
            ја одбива жалбата на опозицијата"""),
        complements=_split("""во {city} | до крајот на {month} | за околу {n} домаќинства |
            по долга расправа | и покрај противењето на жителите | со поддршка од европските фондови |
            под притисок од локалните бизнисмени | во рамките на тригодишна програма |
            пред почетокот на зимската сезона | во соработка со {n} соседни општини"""),
        days=_split("понеделникот | вторникот | средата | четвртокот | петокот"),
        months=_split("""јануари | февруари | март | април | мај | јуни | јули | август | септември |
            октомври | ноември | декември"""),
        cities=_cities("""Битола/Битола | Куманово/Куманово | Прилеп/Прилеп | Тетово/Тетово | Охрид/Охрид |
            Велес/Велес | Штип/Штип | Струмица/Струмица | Гостивар/Гостивар | Кавадарци/Кавадарци |
            Кочани/Кочани | Струга/Струга"""),
        money="{n} милиони денари",
    ),
}
