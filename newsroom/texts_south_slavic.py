"""Serbian, Bosnian, Croatian, Macedonian and Montenegrin seed stories. Invented events.

Serbian texts are written in Latin; the Cyrillic outlet's texts are converted with
`latin_to_cyrillic`, so every Cyrillic text transliterates back exactly.
"""

from __future__ import annotations

from newsroom.texts import SeedStory
from newsroom.translit import latin_to_cyrillic


def _cyr(*paragraphs: str) -> tuple[str, ...]:
    return tuple(latin_to_cyrillic(p) for p in paragraphs)


_MORAVA_TITLE = "Otvoren novi most preko Zapadne Morave kod Kraljeva"
_MORAVA = (
    "Novi drumski most preko Zapadne Morave kod Kraljeva svečano je pušten u saobraćaj u "
    "subotu, posle dve godine radova. Most je dugačak 420 metara i ima po dve saobraćajne trake "
    "u oba smera, kao i odvojenu pešačku i biciklističku stazu.",
    "Vrednost radova iznosi 2,9 milijardi dinara, a sredstva su obezbeđena iz republičkog "
    "budžeta i kredita razvojne banke. Izvođač je posao završio tri meseca pre roka, navodi se u "
    "saopštenju ministarstva.",
    "Gradonačelnik Kraljeva rekao je da će novi most rasteretiti centar grada od teretnog "
    "saobraćaja, koji je do sada prolazio kroz stambene ulice. Stari most biće zatvoren zbog "
    "sanacije do kraja sledeće godine.",
    "Izvor: Tanjug",
)

_BELGRADE_BUDGET = (
    "Skupština grada Beograda usvojila je u sredu rebalans budžeta za ovu godinu, kojim se "
    "ukupni prihodi povećavaju za 6,4 milijarde dinara. Za predlog je glasalo 64 odbornika, a "
    "protiv 31.",
    "Najveći deo dodatnog novca biće usmeren na javni prevoz i održavanje ulica, dok se za "
    "izgradnju dva nova vrtića na Zvezdari i u Borči izdvaja 900 miliona dinara.",
    "Opozicija je zamerila što je rebalans dostavljen odbornicima samo dva dana pre sednice i "
    "tražila da se rasprava odloži, ali taj predlog nije prihvaćen.",
)

_SNOW_WEST = (
    "Sneg koji od jutros pada u zapadnoj Srbiji otežava saobraćaj na putevima preko Zlatibora i "
    "Tare, gde je visina snežnog pokrivača dostigla 25 centimetara.",
    "Putari su na teren izveli 38 vozila i posipaju kolovoz solju i rizlom. Vozačima teretnih "
    "vozila preporučuje se da ne kreću na put bez zimske opreme.",
    "Meteorolozi najavljuju da će padavine prestati u četvrtak, a da će jutarnje temperature u "
    "planinskim predelima pasti do minus deset stepeni.",
)

_AERS_PRICE = (
    "Agencija za energetiku dala je saglasnost na poskupljenje električne energije za "
    "domaćinstva od osam odsto, koje će se primenjivati od prvog januara.",
    "Prosečan mesečni račun domaćinstva koje troši 350 kilovat-sati biće veći za oko 420 "
    "dinara. Cena za zelenu zonu potrošnje ostaje ispod regionalnog proseka, navodi se u "
    "obrazloženju odluke.",
    "Udruženja potrošača ocenila su da je poskupljenje preveliko u vreme grejne sezone i "
    "zatražila da se socijalno ugroženim kupcima poveća popust.",
    "Iz agencije je saopšteno da će cena biti ponovo razmotrena krajem marta.",
)

STORIES: tuple[SeedStory, ...] = (
    # The same agency story in Cyrillic and, exactly transliterated, in Latin.
    SeedStory(
        key="bv-morava-bridge",
        outlet="beogradski-vesnik",
        section="Србија",
        title=latin_to_cyrillic(_MORAVA_TITLE),
        paragraphs=_cyr(*_MORAVA),
        day=8,
        at="11:00",
        credit="Tanjug",
        author=latin_to_cyrillic("Redakcija"),
    ),
    SeedStory(
        key="nd-morava-bridge",
        outlet="novosadski-dnevnik",
        section="Srbija",
        title=_MORAVA_TITLE,
        paragraphs=_MORAVA,
        copy_of="bv-morava-bridge",
        delay=70,
        credit="Tanjug",
        author="Redakcija",
    ),
    SeedStory(
        key="bv-belgrade-budget",
        outlet="beogradski-vesnik",
        section="Београд",
        title=latin_to_cyrillic("Usvojen rebalans gradskog budžeta, više novca za prevoz"),
        paragraphs=_cyr(*_BELGRADE_BUDGET),
        day=13,
        at="14:20",
        author=latin_to_cyrillic("Milica Stojanović"),
    ),
    SeedStory(
        key="bv-snow-west",
        outlet="beogradski-vesnik",
        section="Србија",
        title=latin_to_cyrillic("Sneg na Zlatiboru i Tari, otežan saobraćaj na putevima"),
        paragraphs=_cyr(*_SNOW_WEST),
        day=2,
        at="07:30",
        author=latin_to_cyrillic("Nenad Ilić"),
    ),
    SeedStory(
        key="bv-aers-price",
        outlet="beogradski-vesnik",
        section="Економија",
        title=latin_to_cyrillic("Struja za domaćinstva skuplja osam odsto od januara"),
        paragraphs=_cyr(*_AERS_PRICE),
        day=6,
        at="12:00",
        author=latin_to_cyrillic("Milica Stojanović"),
    ),
    SeedStory(
        key="nd-vojvodina-football",
        outlet="novosadski-dnevnik",
        section="Sport",
        title="Vojvodina savladala Radnički posle preokreta u drugom poluvremenu",
        paragraphs=(
            "Fudbaleri Vojvodine pobedili su u nedelju na Karađorđu Radnički iz Kragujevca "
            "rezultatom 3:1, iako su gosti poveli već u desetom minutu.",
            "Izjednačenje je postignuto iz penala na početku drugog poluvremena, a dva gola u "
            "poslednjih dvadeset minuta doneli su domaćinu treću uzastopnu pobedu.",
            "Trener Vojvodine rekao je posle utakmice da je ekipa u svlačionici na poluvremenu "
            "promenila formaciju i da je to presudilo. Sledeći meč Novosađani igraju u "
            "subotu u gostima.",
        ),
        day=3,
        at="22:15",
        author="Dejan Marković",
    ),
    SeedStory(
        key="nd-bus-lines",
        outlet="novosadski-dnevnik",
        section="Novi Sad",
        title="Dve nove autobuske linije povezuju Veternik i Futog sa centrom",
        paragraphs=(
            "Gradsko saobraćajno preduzeće uvodi od ponedeljka dve nove linije koje će "
            "povezivati Veternik i Futog sa Železničkom stanicom i centrom grada.",
            "Autobusi će saobraćati na svakih dvadeset minuta u vršnim satima, a na svakih "
            "četrdeset minuta tokom vikenda. Na linijama će voziti dvanaest novih vozila na "
            "prirodni gas.",
            "Iz preduzeća navode da su linije uvedene posle ankete u kojoj je više od 2.000 "
            "građana tražilo direktnu vezu prigradskih naselja sa bolnicom.",
        ),
        day=9,
        at="09:40",
        author="Jelena Pavlović",
    ),
    SeedStory(
        key="nd-rik-decision",
        outlet="novosadski-dnevnik",
        section="Politika",
        title="RIK odbio prigovor na izbore za savet mesne zajednice",
        paragraphs=(
            "Republička izborna komisija odbila je kao neosnovan prigovor jedne odborničke "
            "grupe na sprovođenje izbora za savet mesne zajednice u Sremskoj Kamenici.",
            "Podnosioci prigovora tvrdili su da je na dva biračka mesta bilo više glasačkih "
            "listića nego upisanih birača, ali je komisija utvrdila da je reč o grešci u "
            "zapisniku, a ne u glasanju.",
            "Odluka je doneta sa deset glasova za i tri protiv. Nezadovoljna strana ima pravo "
            "žalbe Upravnom sudu u roku od 72 sata.",
        ),
        day=11,
        at="18:00",
        author="Dejan Marković",
    ),
    # A Serbian (ekavian) story on a Bosnian outlet: the text's language is sr-Latn.
    SeedStory(
        key="sg-bbc-mokra-gora",
        outlet="sarajevski-glas",
        section="Regija",
        language="sr-Latn",
        title="Kako se mladi vraćaju u sela oko Mokre Gore",
        paragraphs=(
            "U selima oko Mokre Gore poslednjih godina otvoreno je sedam malih porodičnih "
            "pansiona, a broj stanovnika posle dugo vremena ponovo raste. Meštani kažu da su se "
            "mladi vratili kad su shvatili da od turizma i domaće proizvodnje može lepo da se "
            "živi.",
            "Jedna mlada porodica iz Beograda kupila je staru kuću i u njoj otvorila radionicu "
            "sira. Mleko otkupljuju od šest domaćinstava iz okoline, a gotovo celu proizvodnju "
            "prodaju gostima koji dolaze vozom.",
            "Lokalna škola, koja je pre deset godina imala samo četvoro dece, ove jeseni upisala "
            "je devetnaest učenika. Roditelji ipak upozoravaju da je put do najbliže bolnice i "
            "dalje predug, naročito zimi.",
            "Izvor: BBC",
        ),
        day=7,
        at="13:30",
        credit="BBC",
        author="Redakcija",
    ),
    SeedStory(
        key="sg-canton-budget",
        outlet="sarajevski-glas",
        section="Sarajevo",
        title="Skupština Kantona Sarajevo usvojila budžet od 1,4 milijarde maraka",
        paragraphs=(
            "Zastupnici Skupštine Kantona Sarajevo usvojili su u utorak budžet za narednu "
            "godinu, težak 1,41 milijardu konvertibilnih maraka, što je sedam posto više nego "
            "ove godine.",
            "Najveće povećanje odnosi se na zdravstvo i obrazovanje, dok je za kapitalne "
            "projekte, među kojima je nastavak izgradnje južne saobraćajnice, izdvojeno 212 "
            "miliona maraka.",
            "Opozicija je prigovorila da budžet ne predviđa dovoljno novca za vodovodnu mrežu, "
            "zbog koje pojedina naselja i dalje imaju redukcije vode tokom ljeta.",
        ),
        day=10,
        at="12:10",
        author="Amra Hodžić",
    ),
    SeedStory(
        key="sg-cik-decision",
        outlet="sarajevski-glas",
        section="BiH",
        title="CIK poništio izbore na jednom biračkom mjestu u Zenici",
        paragraphs=(
            "Centralna izborna komisija Bosne i Hercegovine poništila je glasanje na jednom "
            "biračkom mjestu u Zenici nakon što je utvrđeno da je broj potpisa u izvodu iz "
            "centralnog biračkog spiska manji od broja glasačkih listića.",
            "Glasanje će biti ponovljeno u roku od trideset dana, a pravo glasa imat će 812 "
            "birača upisanih na to biračko mjesto.",
            "Članovi biračkog odbora bit će zamijenjeni, a protiv dvojice je podnesena prijava "
            "tužilaštvu, saopćeno je nakon sjednice komisije.",
        ),
        day=4,
        at="15:00",
        author="Emir Begić",
    ),
    SeedStory(
        key="sg-tram-line",
        outlet="sarajevski-glas",
        section="Sarajevo",
        title="Tramvaji ponovo saobraćaju do Ilidže nakon rekonstrukcije pruge",
        paragraphs=(
            "Nakon četiri mjeseca radova, tramvaji od ponedjeljka ponovo saobraćaju na cijeloj "
            "liniji od Baščaršije do Ilidže. Rekonstruisano je 5,2 kilometra dvostrukog "
            "kolosijeka.",
            "U saobraćaj je uključeno i šest novih tramvaja s niskim podom, pa će razmak između "
            "polazaka u jutarnjim satima biti osam minuta.",
            "Iz kantonalnog ministarstva saobraćaja najavili su da će naredne godine biti "
            "obnovljena i dionica prema Hrasnom.",
        ),
        day=1,
        at="11:20",
        author="Amra Hodžić",
    ),
    SeedStory(
        key="jl-ferry-split",
        outlet="jadranski-list",
        section="Dalmacija",
        title="Nova trajektna linija Split – Vis ljeti će voziti četiri puta dnevno",
        paragraphs=(
            "Agencija za obalni linijski promet objavila je novi red plovidbe prema kojem će "
            "trajekt između Splita i Visa od lipnja voziti četiri puta dnevno umjesto "
            "dosadašnja tri.",
            "Uvodi se i jutarnji polazak iz Visa u 5.30, koji su otočani godinama tražili "
            "zbog liječničkih pregleda i posla u Splitu.",
            "Zimski red plovidbe ostaje nepromijenjen, a cijena karte za putnike s otočnom "
            "iskaznicom i dalje je upola niža od redovne.",
        ),
        day=12,
        at="10:00",
        author="Ivana Kovačić",
    ),
    SeedStory(
        key="jl-zagreb-budget",
        outlet="jadranski-list",
        section="Hrvatska",
        title="Gradska skupština izglasala proračun Zagreba za iduću godinu",
        paragraphs=(
            "Gradska skupština Zagreba izglasala je u četvrtak proračun za iduću godinu u "
            "iznosu od 3,1 milijardu eura, s 29 glasova za i 17 protiv.",
            "Najviše novca predviđeno je za obnovu zgrada nakon potresa, javni prijevoz i "
            "izgradnju novih vrtića, a gradonačelnik je najavio zapošljavanje stotinu odgojitelja.",
            "Oporba je kritizirala povećanje komunalne naknade i upozorila da se kasni s "
            "obnovom škola u Sesvetama.",
        ),
        day=6,
        at="17:40",
        author="Tomislav Jurić",
    ),
    SeedStory(
        key="jl-bura-krk",
        outlet="jadranski-list",
        section="Hrvatska",
        title="Olujna bura zatvorila Krčki most za sva vozila",
        paragraphs=(
            "Zbog olujne bure, čiji su udari noćas dosezali 150 kilometara na sat, Krčki most "
            "zatvoren je za sav promet, a prekinute su i trajektne linije prema Cresu i Rabu.",
            "Hrvatski autoklub preporučuje vozačima da odgode putovanja preko Velebita, gdje je "
            "na dionici autoceste između Svetog Roka i Posedarja promet dopušten samo osobnim "
            "automobilima.",
            "Meteorolozi očekuju da će bura oslabiti u subotu poslijepodne, no upozoravaju na "
            "visoke valove na otvorenom moru.",
        ),
        day=2,
        at="05:55",
        author="Ivana Kovačić",
    ),
    SeedStory(
        key="sp-skopje-budget",
        outlet="skopski-pogled",
        section="Скопје",
        title="Советот на Град Скопје го усвои буџетот за 2027 година",
        paragraphs=(
            "Советот на Град Скопје вечерва го усвои буџетот за 2027 година, кој изнесува 11,8 "
            "милијарди денари. За предлогот гласаа 26 советници, а против беа 14.",
            "Најголем дел од капиталните средства се наменети за реконструкција на булеварите, "
            "за нови автобуси во јавниот превоз и за изградба на две градинки во Аеродром и "
            "Бутел.",
            "Опозицијата побара повеќе пари за чистење на реките и за борба против загадувањето "
            "на воздухот, но нејзините амандмани беа одбиени.",
        ),
        day=11,
        at="12:45",
        author="Марија Трајковска",
    ),
    SeedStory(
        key="sp-erc-price",
        outlet="skopski-pogled",
        section="Економија",
        title="РКЕ ја намали цената на струјата за домаќинствата за два отсто",
        paragraphs=(
            "Регулаторната комисија за енергетика одлучи цената на електричната енергија за "
            "домаќинствата да се намали за два отсто од први декември.",
            "Според комисијата, намалувањето е можно поради поевтинувањето на струјата на "
            "регионалните берзи и поголемото производство од сончевите електрани.",
            "Просечната сметка на едно домаќинство ќе биде пониска за околу 50 денари месечно. "
            "Цената на топлинската енергија останува непроменета.",
        ),
        day=5,
        at="14:10",
        author="Горан Стојанов",
    ),
    SeedStory(
        key="sp-vardar-football",
        outlet="skopski-pogled",
        section="Спорт",
        title="Вардар победи во дербито со гол во последната минута",
        paragraphs=(
            "Фудбалерите на Вардар вечерва ја победија Шкендија со 2:1 во дербито на кругот, "
            "пред речиси осум илјади гледачи на Националната арена.",
            "Гостите водеа по гол од слободен удар во 27. минута, а домаќините изедначија на "
            "почетокот на второто полувреме. Победничкиот гол падна во последната минута од "
            "надоместокот.",
            "Со оваа победа Вардар се искачи на второто место на табелата, три бода зад лидерот.",
        ),
        day=1,
        at="21:30",
        author="Горан Стојанов",
    ),
    SeedStory(
        key="pn-moraca-bridge",
        outlet="podgoricke-novine",
        section="Podgorica",
        title="Počela gradnja novog pješačkog mosta preko Morače",
        paragraphs=(
            "U Podgorici je u petak počela gradnja pješačkog mosta preko Morače, koji će "
            "povezati Zabjelo sa Starom varoši. Most će biti dug 160 metara, a radovi bi "
            "trebalo da traju četrnaest mjeseci.",
            "Vrijednost ugovora je 4,3 miliona eura, od čega Glavni grad obezbjeđuje dvije "
            "trećine, a ostatak dolazi iz fondova za prekograničnu saradnju.",
            "Iz Glavnog grada kažu da će most imati i posebnu biciklističku traku, kao i "
            "rasvjetu koja se napaja iz solarnih panela.",
        ),
        day=9,
        at="10:30",
        author="Vesna Radović",
    ),
    SeedStory(
        key="pn-coast-rain",
        outlet="podgoricke-novine",
        section="Crna Gora",
        title="Obilne padavine na primorju, u Budvi poplavljene ulice",
        paragraphs=(
            "Obilna kiša koja je tokom noći pala na crnogorskom primorju poplavila je nekoliko "
            "ulica u Budvi i Bečićima, a u Kotoru je zbog odrona zatvoren dio puta prema "
            "Lovćenu.",
            "Hidrometeorološki zavod saopštio je da je u Budvi za dvanaest sati palo 98 litara "
            "kiše po metru kvadratnom.",
            "Služba zaštite i spašavanja ispumpavala je vodu iz više podruma, a nastava u "
            "jednoj osnovnoj školi odložena je za sjutra.",
        ),
        day=4,
        at="06:50",
        author="Vesna Radović",
    ),
)
