"""What the demo's example calls are about: real Turkish municipalities and EU local authorities
(their province or NUTS-2 region, a rounded population) and twinning projects a ministry would
recognise.

grants.demo writes these over the example bundle's placeholders ("Mersin Belediyesi 1", "Commune 1",
"Twinning project 1") before importing it; the amounts, scores and dates stay the bundle's, so the
computed ranking and awards are those of tests/data/ttgs-demo.expected.json. The addresses are under
the reserved `.example` domain: no message ever reaches a real municipality.
"""

from __future__ import annotations

# the lead municipalities tr1..tr48, in order: short name, official name, province, population
# (rounded)
TURKISH = [
    ("Seferihisar", "Seferihisar Belediyesi", "İzmir", 55000),
    ("Kuşadası", "Kuşadası Belediyesi", "Aydın", 135000),
    ("Nilüfer", "Nilüfer Belediyesi", "Bursa", 500000),
    ("Tepebaşı", "Tepebaşı Belediyesi", "Eskişehir", 380000),
    ("Bodrum", "Bodrum Belediyesi", "Muğla", 200000),
    ("Safranbolu", "Safranbolu Belediyesi", "Karabük", 70000),
    ("Karşıyaka", "Karşıyaka Belediyesi", "İzmir", 345000),
    ("Odunpazarı", "Odunpazarı Belediyesi", "Eskişehir", 420000),
    ("Ürgüp", "Ürgüp Belediyesi", "Nevşehir", 37000),
    ("Atakum", "Atakum Belediyesi", "Samsun", 230000),
    ("Selçuklu", "Selçuklu Belediyesi", "Konya", 680000),
    ("Artuklu", "Artuklu Belediyesi", "Mardin", 190000),
    ("Kadıköy", "Kadıköy Belediyesi", "İstanbul", 480000),
    ("Muratpaşa", "Muratpaşa Belediyesi", "Antalya", 510000),
    ("Ortahisar", "Ortahisar Belediyesi", "Trabzon", 340000),
    ("Edirne", "Edirne Belediyesi", "Edirne", 190000),
    ("Fethiye", "Fethiye Belediyesi", "Muğla", 170000),
    ("Battalgazi", "Battalgazi Belediyesi", "Malatya", 210000),
    ("Şehitkamil", "Şehitkamil Belediyesi", "Gaziantep", 790000),
    ("Mezitli", "Mezitli Belediyesi", "Mersin", 220000),
    ("Amasra", "Amasra Belediyesi", "Bartın", 15000),
    ("Ayvalık", "Ayvalık Belediyesi", "Balıkesir", 70000),
    ("Çukurova", "Çukurova Belediyesi", "Adana", 400000),
    ("Kars", "Kars Belediyesi", "Kars", 115000),
    ("Yakutiye", "Yakutiye Belediyesi", "Erzurum", 200000),
    ("Sinop", "Sinop Belediyesi", "Sinop", 65000),
    ("Melikgazi", "Melikgazi Belediyesi", "Kayseri", 590000),
    ("Efeler", "Efeler Belediyesi", "Aydın", 300000),
    ("Bornova", "Bornova Belediyesi", "İzmir", 450000),
    ("Çanakkale", "Çanakkale Belediyesi", "Çanakkale", 200000),
    ("İzmit", "İzmit Belediyesi", "Kocaeli", 370000),
    ("Adapazarı", "Adapazarı Belediyesi", "Sakarya", 280000),
    ("Konyaaltı", "Konyaaltı Belediyesi", "Antalya", 200000),
    ("Süleymanpaşa", "Süleymanpaşa Belediyesi", "Tekirdağ", 220000),
    ("Pamukkale", "Pamukkale Belediyesi", "Denizli", 360000),
    ("Bolu", "Bolu Belediyesi", "Bolu", 210000),
    ("Menteşe", "Menteşe Belediyesi", "Muğla", 120000),
    ("İlkadım", "İlkadım Belediyesi", "Samsun", 340000),
    ("Meram", "Meram Belediyesi", "Konya", 350000),
    ("Tarsus", "Tarsus Belediyesi", "Mersin", 350000),
    ("Elazığ", "Elazığ Belediyesi", "Elazığ", 420000),
    ("Eyyübiye", "Eyyübiye Belediyesi", "Şanlıurfa", 400000),
    ("Talas", "Talas Belediyesi", "Kayseri", 190000),
    ("Karesi", "Karesi Belediyesi", "Balıkesir", 190000),
    ("Merkezefendi", "Merkezefendi Belediyesi", "Denizli", 340000),
    ("Yenişehir", "Yenişehir Belediyesi", "Mersin", 280000),
    ("Şahinbey", "Şahinbey Belediyesi", "Gaziantep", 950000),
    ("Seyhan", "Seyhan Belediyesi", "Adana", 790000),
]

# the partners eu1..eu48 take, in order, the next authority of their country: short, official,
# region, population
EUROPEAN = {
    "AT": [("Graz", "Stadt Graz", "Steiermark", 290000)],
    "BE": [
        ("Ghent", "Stad Gent", "Prov. Oost-Vlaanderen", 265000),
        ("Liège", "Ville de Liège", "Prov. Liège", 195000),
        ("Leuven", "Stad Leuven", "Prov. Vlaams-Brabant", 100000),
    ],
    "BG": [
        ("Plovdiv", "Obshtina Plovdiv", "Yuzhen tsentralen", 340000),
        ("Varna", "Obshtina Varna", "Severoiztochen", 330000),
    ],
    "CY": [
        ("Larnaca", "Larnaca Municipality", "Kýpros", 85000),
        ("Paphos", "Paphos Municipality", "Kýpros", 35000),
    ],
    "CZ": [
        ("Brno", "Statutární město Brno", "Jihovýchod", 380000),
        ("Olomouc", "Statutární město Olomouc", "Střední Morava", 100000),
    ],
    "DE": [("Freiburg", "Stadt Freiburg im Breisgau", "Freiburg", 230000)],
    "DK": [
        ("Aarhus", "Aarhus Kommune", "Midtjylland", 360000),
        ("Odense", "Odense Kommune", "Syddanmark", 205000),
        ("Aalborg", "Aalborg Kommune", "Nordjylland", 220000),
        ("Roskilde", "Roskilde Kommune", "Sjælland", 90000),
        ("Esbjerg", "Esbjerg Kommune", "Syddanmark", 115000),
    ],
    "EE": [("Tartu", "Tartu linn", "Eesti", 95000)],
    "FI": [("Tampere", "Tampereen kaupunki", "Länsi-Suomi", 250000)],
    "FR": [("Grenoble", "Ville de Grenoble", "Rhône-Alpes", 158000)],
    "GR": [
        ("Patras", "Municipality of Patras", "Dytiki Ellada", 215000),
        ("Thessaloniki", "Municipality of Thessaloniki", "Kentriki Makedonia", 320000),
        ("Heraklion", "Municipality of Heraklion", "Kriti", 180000),
        ("Volos", "Municipality of Volos", "Thessalia", 145000),
    ],
    "HR": [("Rijeka", "Grad Rijeka", "Jadranska Hrvatska", 110000)],
    "HU": [
        ("Pécs", "Pécs Megyei Jogú Város", "Dél-Dunántúl", 140000),
        ("Szeged", "Szeged Megyei Jogú Város", "Dél-Alföld", 160000),
    ],
    "IE": [
        ("Galway", "Galway City Council", "Northern and Western", 85000),
        ("Cork", "Cork City Council", "Southern", 225000),
    ],
    "IT": [
        ("Bologna", "Comune di Bologna", "Emilia-Romagna", 390000),
        ("Lecce", "Comune di Lecce", "Puglia", 95000),
    ],
    "LT": [
        ("Kaunas", "Kauno miesto savivaldybė", "Vidurio ir vakarų Lietuvos regionas", 300000),
        ("Vilnius", "Vilniaus miesto savivaldybė", "Sostinės regionas", 570000),
    ],
    "LU": [
        ("Esch-sur-Alzette", "Ville d'Esch-sur-Alzette", "Luxembourg", 36000),
        ("Differdange", "Ville de Differdange", "Luxembourg", 28000),
        ("Dudelange", "Ville de Dudelange", "Luxembourg", 21000),
        ("Ettelbruck", "Ville d'Ettelbruck", "Luxembourg", 9000),
    ],
    "MT": [("Birgu", "Birgu Local Council", "Malta", 2500)],
    "PL": [("Gdańsk", "Miasto Gdańsk", "Pomorskie", 470000)],
    "PT": [
        ("Porto", "Câmara Municipal do Porto", "Norte", 230000),
        ("Évora", "Câmara Municipal de Évora", "Alentejo", 53000),
    ],
    "RO": [
        ("Cluj-Napoca", "Municipiul Cluj-Napoca", "Nord-Vest", 290000),
        ("Timișoara", "Municipiul Timișoara", "Vest", 250000),
        ("Iași", "Municipiul Iași", "Nord-Est", 270000),
    ],
    "SE": [("Malmö", "Malmö stad", "Sydsverige", 360000)],
    "SI": [
        ("Ljubljana", "Mestna občina Ljubljana", "Zahodna Slovenija", 290000),
        ("Maribor", "Mestna občina Maribor", "Vzhodna Slovenija", 95000),
    ],
    "SK": [
        ("Košice", "Mesto Košice", "Východné Slovensko", 230000),
        ("Žilina", "Mesto Žilina", "Stredné Slovensko", 80000),
    ],
}

# per theme: (title, acronym stem, summary); {tr} and {eu} are the two authorities' short names
PROJECTS = {
    "environment": [
        (
            "Zero-waste markets: {tr} and {eu} share what works",
            "ZEROWASTE",
            "{tr}'s open-air markets adopt the deposit, compost and reuse schemes that cut {eu}'s "
            "market waste.",
        ),
        (
            "Cool streets: shade and trees against urban heat in {tr} and {eu}",
            "COOLSTREETS",
            "The two cities map their heat islands, plant shade corridors and compare what lowers "
            "summer temperatures.",
        ),
        (
            "Rain as a resource: {tr} and {eu} manage stormwater together",
            "RAINWISE",
            "Rain gardens, permeable squares and a joint flood plan, tested in one district of "
            "each city.",
        ),
        (
            "Compost in every district: {tr} learns from {eu}",
            "COMPOST",
            "Separate collection of food waste and neighbourhood composting, from pilot streets to "
            "the whole town.",
        ),
        (
            "Clean water: a shared monitoring plan for {tr} and {eu}",
            "BLUEWATERS",
            "Volunteers and municipal laboratories measure water quality and publish it on one "
            "open map.",
        ),
        (
            "Energy-saving public buildings in {tr} and {eu}",
            "ENERGYSAVE",
            "Energy audits of schools and town halls, and the retrofits that pay back fastest.",
        ),
    ],
    "culture": [
        (
            "Two old towns, one heritage trail: {tr} and {eu}",
            "HERITAGE",
            "Restorers and guides of both towns document their historic centres and open a joint "
            "heritage trail.",
        ),
        (
            "Libraries as living rooms: {tr} and {eu}",
            "OPENLIB",
            "Public libraries become meeting places with evening hours, makerspaces and language "
            "cafés.",
        ),
        (
            "A festival of neighbours: {tr} and {eu} stage a shared summer",
            "NEIGHBOURS",
            "Street festivals co-produced by local associations, with artists exchanged between "
            "the two towns.",
        ),
        (
            "Crafts with a future: master artisans of {tr} and {eu}",
            "CRAFTS",
            "Apprenticeships and a shared market for traditional crafts, from weaving to ceramics.",
        ),
        (
            "Museums for everyone: accessible collections in {tr} and {eu}",
            "MUSEUMS4ALL",
            "Tactile guides, sign-language tours and free days that bring new visitors to local "
            "museums.",
        ),
    ],
    "youth": [
        (
            "Youth councils that decide: {tr} and {eu}",
            "YOUTHVOICE",
            "Elected youth councils with a budget of their own, and exchanges between their "
            "members.",
        ),
        (
            "First jobs at home: apprenticeships in {tr} and {eu}",
            "FIRSTJOBS",
            "Municipal companies and local employers offer paid traineeships modelled on the "
            "partner's scheme.",
        ),
        (
            "Girls on the pitch: {tr} and {eu} open their sports fields",
            "GIRLSPLAY",
            "Coaches trained together, free clubs for girls and a twin-town tournament every "
            "summer.",
        ),
        (
            "Digital skills after school: {tr} and {eu}",
            "CODECLUB",
            "Coding clubs in neighbourhood centres, run by young volunteers trained in both towns.",
        ),
        (
            "Volunteering without borders: young people of {tr} and {eu}",
            "VOLUNTEER",
            "A municipal volunteering programme, with two-week exchanges for young volunteers.",
        ),
        (
            "Safe routes to school in {tr} and {eu}",
            "SAFEROUTES",
            "Pupils map their way to school; the towns calm traffic and build the crossings they "
            "ask for.",
        ),
    ],
    "tourism": [
        (
            "Slow tourism on foot and by bike: {tr} and {eu}",
            "SLOWTRAILS",
            "Marked walking and cycling routes, with guesthouses and local guides trained "
            "together.",
        ),
        (
            "A town for every visitor: accessible tourism in {tr} and {eu}",
            "ACCESS4ALL",
            "Step-free routes, accessible sights and information that visitors with disabilities "
            "can use.",
        ),
        (
            "Local food routes: {tr} and {eu} put producers on the map",
            "FOODROUTES",
            "A food route linking farms, markets and restaurants, promoted in both countries.",
        ),
        (
            "Off-season visitors: {tr} and {eu} spread tourism over the year",
            "OFFSEASON",
            "Winter and spring events, packages and data on visitor numbers shared between the "
            "towns.",
        ),
        (
            "Smart visitor information in {tr} and {eu}",
            "VISITSMART",
            "Multilingual signs, an open-data visitor app and a joint desk at each tourist office.",
        ),
    ],
}

OBJECTIVES = (
    "Share what {eu} has learnt with {tr}, adapt it to {tr}'s needs and keep the two "
    "municipalities "
    "working together after the grant."
)
ACTIVITIES = (
    "Study visits in both directions; joint working groups of municipal staff and local "
    "associations; "
    "a pilot in {tr}; a closing conference open to the region's other municipalities."
)
RESULTS = (
    "A pilot running in {tr}; municipal staff of both towns trained; a twinning agreement signed "
    "by the two "
    "mayors; a guide for other municipalities."
)

# names of the lead municipalities' project officers (first name, surname), combined without repeats
FIRST_NAMES = [
    "Ayşe",
    "Mehmet",
    "Elif",
    "Mustafa",
    "Zeynep",
    "Ahmet",
    "Fatma",
    "Emre",
    "Selin",
    "Burak",
    "Deniz",
    "Hakan",
    "Esra",
    "Murat",
    "Gizem",
    "Oğuz",
]
SURNAMES = [
    "Yılmaz",
    "Kaya",
    "Demir",
    "Şahin",
    "Çelik",
    "Yıldız",
    "Aydın",
    "Öztürk",
    "Arslan",
    "Doğan",
    "Kılıç",
    "Aslan",
    "Çetin",
    "Kara",
    "Koç",
    "Kurt",
]


def officer_name(index: int) -> str:
    """The project officer of the index-th lead municipality (0-based): a different name for each of
    256."""
    return f"{FIRST_NAMES[index % 16]} {SURNAMES[(index * 5 + index // 16) % 16]}"
