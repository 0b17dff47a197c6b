"""Hand-written evidence for telling Croatian, Bosnian, Serbian and Montenegrin apart.

Written from knowledge of the standards, not learned from any corpus. Each block is
"<languages> <weight>:" followed by words; a trailing "*" makes an entry a prefix (stem).
Weights are log-odds-like points: 1 = a usual preference, 2 = a strong marker,
3 = almost decisive. Ekavian forms point to Serbian; ijekavian forms to the other three.
"""

from __future__ import annotations

_BLOCKS = r"""
sr 2:
vreme mesto mesta mestu mestima mestim* dete deteta
detetu deca dece deci decom dečij* dečj* lep lepa lepo lepe lepu lepih lepot* pesma pesme
pesmu pesmi pesama pesnik* vest vesti vestima uvek gde ovde onde negde nigde svugde posle
pre deo delu delom delovi* celi cela celo celu celog celokup* celin* cena cene cenu cenom
cenama beo bela belo bele belog belih hteo htela hteli hteti videti razumeti razume*
voleti voleo volela živeti živeo živela sedeti sedište* leto leta letu letnj* mleko* mleka
nedelj* sednic* predsednik* predsedni* savet* sever* seća* sećanj* mera mere meru merama
merenj* menja* promen* izmen* zamen* primer* primen* verovatn* veruj* verova* telo tela telu
delo dela dele deli* delova* lek leka lekov* lekar* sneg* zvezd* vetar vetr* svetl* svetsk*
dečak* devojk* venčan* uveren* uveri* odeljenj* obeleži* poset* poslednj*
pobed* čovek* čoveka čoveku čovekov* čovečanstv* smer* smešt* smeh* napred* lečen* leči*
reč reči rečima rečju rešenj* reši* rešava* ocen* procen* bezbedn* obezbed* mesec* izveštaj*
izveštava* obaveš* uspeh* uspe* proseč* predlog* pretnj* posledic* dve dvema beleži* beleš*
zabeleži* primeti* umetn* peva* pevač* svedok* svedoč* odeća* cveće* cvet* vek zahtev* nemačk* nemc* nemac sledeć* proleć* železnic* uspešn* izbeglic* vašington* njujork* džordž* veka veku veko* ponedeljak
sr 1:
hiljad* takođe uopšte opšt* opštin* istorij* istorijs* avgust* jun jula jul juna hleb hleba
voz voza vozom vazduh* bezbedno* nauk* naučn* saobraćaj* srpsk* beograd*
srbij* vučić* kosov* novosad* tačk* tačn* fudbal* sistem* univerzitet* uslov* uticaj*
saradnj* sarađ* procent* procenat* porodic* milion* milioni milionima ambasad* pozorišt*
spoljn* poslanik* skupštin* informisa* definisa* organizova* kontrolisa* reagova*
realizova* finansij* finansira* evrop* evro lično* ličn* štamp* ostrvo* komandant* štab*
oficir* advokat* sudij* tužilac* tužilaštv* vaspita* hemij* muzik* kancelarij* privred*
juče penzij* budžet* krivičn* fabrik* računar* ekip* sekretar* zvaničn* saopštenj*
saopšti* izveštač* uprkos tokom zvanič* sprovod* sprovede* dinar* ko šta povred* povređ*
hr 3:
tisuća tisuću tisuće tisućama tjedan tjedna tjednu tjedno tjedni tjednima obitelj obitelji
obiteljsk* kruh kruha vlak vlaka vlakom tko netko nitko svatko itko ikoga nikoga siječ*
veljač* ožuj* travanj* travnj* svibanj* svibnj* lipanj* lipnj* srpanj* srpnj* kolovoz*
rujan rujna rujnu listopad* studenog studenoga prosinac prosinc* tijekom unatoč primjerice
dakako uvjet uvjeta uvjeti uvjete uvjetima utjecaj* suradnj* surađ* postotak postotaka
postotni* milijun* kazališt* sveučilišt* znanost* znanstven* glazb* nogomet* zrakoplov*
zračn* tvornic* gospodarstv* gospodarsk* ravnatelj* tajnik* tajništv* izvješć* priopćenj*
priopći* dužnosnik* potpor* izaslanstv* udrug* nazoč* mirovin* proračun* kazneni* kaznen*
odvjetnik* sudac suca sucu sucem računal* momčad* izbornik* vojarn* sustav* čimbenik*
otok otoka otoku otočj* tisak tiskan* zapovjed* bojnik* stožer* prosvjed*
zastupnik* sabor* zagreb* cjepiv* plenković* milanović* kuna kuna kune kuni kunama
vjerojatn* obveza obveze obvezu obvezn* obvez* glede naime dapače svejedno općenit*
europsk* europa europe europi europu financij* financira* organizira* informira*
definira* reagira* kontrolira* realizira* osobn* osobno
stoljeć* siječnj* izvan zrak zraka slijedom nadalje jučer
nadzor* stanovit* doista dražb*
hr 3:
povijest* povijesn* kemij* iznimn* primjerice izravn* tvrtk* poduzeć* poduzet* inozem*
ljekarn* pristojb* glasova* natjecanj* natječaj* ponovno obran* obrambe* zadać* razina razine
razini razinu razinama diljem izvanredn* nazočnost* pozornost* skrb* neovisn* ovisi ovisno
ovisnost* trenutačn* talijan* španjol* švicar* nizozem* rumunjsk* rumunj* sudjelova* sudjeluj*
sudionik* zaposlenik* stajališt* čelnik* oporb* glasnogovorni* predsjedatelj* dopredsjedni*
veleposlani* unutarnj* promidžb* obavijest* djelomičn* uhić* uhit* počinitelj* optuženik*
dionic* burz* autocest* cesta ceste cestu cesti cestovn* kolodvor* prijevoz* redatelj*
skladatelj* pogodak pogotk* odgoj* tiskovn* istražitelj* nositelj* promatra* promatrač*
izvršitelj* gledatelj* liječnik* svota svote
hr 1:
vrlo događa* točk* točn* šport* športsk* hladnjak* tjeda* hrvatsk* hrvat* kad
hr bs 1:
uopće također opći opća opće općeg općem općim općin* vijeće* vijeća* posto osiguran*
sigurnost* sigurnosn* ured ureda uredu uredom promet* prometn* plaća plaće plaću
hr 3:
županij* branitelj* domovinsk* povjerenstv* mjerodavn* bojišnic* postrojb* umirovlj*
putovnic* istaknu* dosegnu* prijelaz* prijevod* sanader* tuđman* mesić* josipović*
kitarović* slavonij* dalmacij* vukovar* osijek* zadar zadra zadru dubrovni*
bs sr cnr 2:
januar* februar* mart marta martu april* maj maja maju septemb* oktob* novemb* decemb*
istakao istakla istakli kazao kazala kazali izvini* pasoš* komši* penzioner*
uradi* uradio uradila odsto
bs 2:
august augusta augustu armij* agresor* agresij* šehid* čaršij* selam* konvertibiln*
predsjedništv* džaferović* zvizdić* novalić* bećirović* inzko* lajčák*
tihić* silajdžić* radončić* lagumdžij* čović* brčk* cik
sr 2:
evra evrima vojvodin* kragujev* subotic* tadić* koštunic* dačić* brnabić* nikolić*
đinđić* metohij*
bs sr 1:
glasač* prelaz* prevod* dostig* protest* mada naročit* privred* ukoliko
bs sr 2:
brisel* strazbur* avganistan*
hr 2:
osobit* bruxelles* strasbourg* ponaj* obrtni* obrtnik* dojam dojma izvedb* vratar* kći kćer*
kat vrt juha juhe juhu grah
hr 3:
iskaznic* ovrh* sučelj* datotek* ozljed* ozlijeđ* tanjur* žlic* rajčic* krumpir*
bs sr 2:
utisak utiska utiske golman* ćerk* bašt* sprat sprata spratu tanjir* kašik* paradajz*
krompir* kafa kafe kafu kafić* zanat* sopstven* obavez*
bs 2:
povrijeđ*
bs 3:
iftar* sehur* mekteb* medres* vakuf* muftij* rijaset* hadž*
bs 3:
historij* historijs* hiljad* sedmic* sedmičn* lahko lahk* mehko mehk* kahv* sahat* hudovic*
bošnja* bošnjač* sarajev* tuzl* zenic* mostar* bihać* kanton* kantonaln* federacij*
fbih sda izetbegović* dženaz* džamij* bajram* hodž* reis* islamsk* allah*
ramazan* mubarek* srebrenic* hercegovin* bosansk* bosn* entitet*
ohr schmidt* komšić* konaković*
bs 2:
juni juli
bs 3:
saopćen* saopćava* saopći* uposlen* predsjedavajuć* potpredsjedni* djelimičn* kantonu
bs sr 1:
izuzetn* direktn* preduzeć* preduzet* inostran* apotek* glasanj* glasati takmičenj* takmiče*
konkurs* ponovo odbran* odbrambe* nivo nivoa nivou nivoima širom vanredn* nezavisn* zavisi
zavisno trenutno italijan* španij* španski* švajcar* holandij* holandsk* rumunij* rumunsk*
učestvova* učestvuj* učesnik* lider* opozicij* portparol* unutrašnj* uhaps* hapš* počinilac
počinioca berz* autoput* prevoz* avion* aerodrom* bioskop* režiser* reditelj* kompozitor*
selektor* gol golova kompjuter* vakcin* veoma dešava* desio desila stanovišt*
"""

# Montenegrin: ijekavian plus Serbian-leaning vocabulary, the iotated forms of its
# own standard and the letters ś and ź.
_CNR = r"""
cnr 3:
nijesam nijesi nijesu nijesmo nijeste śutra sjutra đe ovđe onđe niđe neđe đeca đece đeci
đevojk* đetet* ćerati ćera* śekir* crnogorsk*
cnr 1:
podgoric* cetinj* đukanović* milatović* spajić* dps abazović* nikšić* budv* kotor* ulcinj*
pljevlj* berane*
bezbjedn* obezbijed* obezbjeđ* familij* usljed vaspitava* sprovod* saradnj* opšt*
porodic* naučn* uslov* uopšte takođe
bs 1:
bezbjedn* obezbijed* obezbjeđ* općin* opće opći uopće također ko šta neko niko svako nešto
ništa porodic* naučn* saradnj* sarađ* uticaj* procent* procenat* fudbal* sistem* univerzitet*
uslov* hljeb* ljekar* vazduh* pozorišt* ambasad* milion* lično* ličn* evrop* juče tokom
izvještaj* informisa* organizova* finansij* sudij* tužilac* tužilaštv* hemij* muzik*
saobraćaj* nauk* tačk* tačn* advokat* spisak* penzij* budžet* krivičn* fabrik*
"""

# Ijekavian reflexes: shared by Croatian, Bosnian and Montenegrin.
_IJEKAVIAN = r"""
hr bs cnr 2:
vrijeme mjest* dijete djeteta djetetu djeca djece djeci djecom dječj*
dječij* rijek* lijep* pjesm* pjesnik* vijest* uvijek gdje ovdje ondje negdje nigdje
poslije prije dio dijela dijelu dijelom dijelovi* cijel* cijen* bijel* htio htjela htjeli
htjeti vidjeti razumjeti razumije* voljeti volio voljela živjeti živio živjela
sjedišt* ljeto ljeta ljetu ljetnj* mlijek* nedjelj* sjednic* predsjedni* savjet* sjever*
sjeć* mjera mjere mjeru mjerama mjeren* mijenja* promjen* izmjen* zamjen* primjer* primjen*
vjerovat* vjeruj* vjera vjere vjeri vjerski* tijel* djelo djela djelu djelovanj* djeluj*
lijek lijeka ljekar* snijeg* zvijezd* vjetar vjetr* svjetl* svjetsk* svijet* svijeta
svijetu dječa* djevojk* vjenča* uvjeren* odjel* odjeljenj* obilježi* posjet* posljednj*
pobjed* čovjek* čovječanstv* smjer* smješt* smijeh* naprijed* liječ* riječ* rješenj* riješi*
rješava* ocjen* procjen* mjesec* obavješt* obavještava* uspjeh* uspjel* uspjet* prosječ*
prijedlog* prijetnj* prijeti* dvije dvjema bilješk* bilježi* primijeti* umjet* pjeva* pjevač*
svjedok* svjedoč* odjeć* cvijeć* cvijet* posljedic* izbjeglic* zahtjev* njemačk* nijemc* nijemac* sljedeć* proljeć* željeznic* uspješn* zvjezd* vijek vijeka stoljeć*
"""

_TEXT = _BLOCKS + _CNR + _IJEKAVIAN

LANGS = ("hr", "bs", "sr", "cnr")


def _parse(text: str) -> tuple[dict[str, dict[str, float]], dict[str, dict[str, float]]]:
    exact: dict[str, dict[str, float]] = {}
    prefix: dict[str, dict[str, float]] = {}
    langs: tuple[str, ...] = ()
    weight = 0.0
    for raw in text.split("\n"):
        line = raw.strip()
        if not line:
            continue
        if line.endswith(":") and line[:-1].split()[0] in LANGS:
            *names, w = line[:-1].split()
            langs = tuple(n for n in names if n in LANGS)
            weight = float(w)
            continue
        for word in line.split():
            target = prefix if word.endswith("*") else exact
            key = word.rstrip("*").lower()
            slot = target.setdefault(key, {})
            for lang in langs:
                slot[lang] = slot.get(lang, 0.0) + weight
    return exact, prefix


EXACT, PREFIX = _parse(_TEXT)
PREFIX_LENGTHS = sorted({len(k) for k in PREFIX})
