"""Deterministic generator of the built-in demo ad catalog.

The demo catalog lets the engine be tried without real advertiser data. Every ad is synthetic:
advertisers are invented brands ("CasaLume", "Brisa Air") on fictional domains under the
reserved ``.example`` TLD, so no real company is named. Each ad is a specific product or offer
written from a per-topic vocabulary (`_VOCAB` below): a brand, a concrete product, and often a
place, a price or an offer, in natural English or French ("CasaLume — boutique rooms in central
Lisbon from €89/night"). The phrases use the topic's own nouns and words of the topic lexicon
(``rust/data/topic_lexicon.tsv``, compiled into ``chatads._core``), so that an ad is findable
from a chat message about its topic; places stay in the ads they belong to (a Lisbon hotel, a
Chamonix chalet: skiing only in ski ads). About 20% of the ads are in French (prices in €), the
rest in English (prices in € or $). Topics come from the Topics taxonomy v2
(``rust/data/topics_taxonomy_v2.tsv``); every topic but `EXCLUDED_TOPICS` gets ads, the
lexicon topics (the big commercial categories) more. Categories are IAB Content Taxonomy 1.0
codes (see `IAB_TIER1` and `IAB_SUBTREES`).

The output depends only on ``(n, seed)``: one ``random.Random(seed)`` drives every choice, and
nothing depends on ``hash()`` of strings or on the iteration order of a set.
"""

from __future__ import annotations

import functools
import random
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

__all__ = ["EXCLUDED_TOPICS", "IAB_SUBTREES", "IAB_TIER1", "generate_demo_ads", "iter_topics"]

#: IAB 1.0 tier-1 code of each top-level category of the Topics taxonomy.
IAB_TIER1: dict[str, str] = {
    "Arts & Entertainment": "IAB1",
    "Autos & Vehicles": "IAB2",
    "Beauty & Fitness": "IAB18",
    "Books & Literature": "IAB1",
    "Business & Industrial": "IAB3",
    "Computers & Electronics": "IAB19",
    "Finance": "IAB13",
    "Food & Drink": "IAB8",
    "Games": "IAB9",
    "Hobbies & Leisure": "IAB9",
    "Home & Garden": "IAB10",
    "Internet & Telecom": "IAB19",
    "Jobs & Education": "IAB4",
    "Law & Government": "IAB11",
    "News": "IAB12",
    "Online Communities": "IAB19",
    "People & Society": "IAB14",
    "Pets & Animals": "IAB16",
    "Real Estate": "IAB21",
    "Shopping": "IAB22",
    "Sports": "IAB17",
    "Travel & Transportation": "IAB20",
}

#: Finer codes for subtrees, keyed by path prefix: the longest matching prefix wins. A tier-2
#: code also gives the tier-1 (``"IAB7-1"`` -> ``"IAB7"``), which may differ from the top level.
IAB_SUBTREES: dict[str, str] = {
    "/Arts & Entertainment/Celebrities & Entertainment News": "IAB1-2",
    "/Arts & Entertainment/Comics & Animation": "IAB9-11",
    "/Arts & Entertainment/Events & Listings/Concerts & Music Festivals": "IAB1-6",
    "/Arts & Entertainment/Movies": "IAB1-5",
    "/Arts & Entertainment/Music & Audio": "IAB1-6",
    "/Arts & Entertainment/TV & Video": "IAB1-7",
    "/Autos & Vehicles/Bicycles & Accessories": "IAB17-3",
    "/Autos & Vehicles/Motor Vehicles (By Type)/Motorcycles": "IAB2-15",
    "/Autos & Vehicles/Vehicle Parts & Accessories": "IAB2-1",
    "/Autos & Vehicles/Vehicle Repair & Maintenance": "IAB2-2",
    "/Autos & Vehicles/Vehicle Shopping": "IAB2-3",
    "/Beauty & Fitness/Fashion & Style": "IAB18-3",
    "/Beauty & Fitness/Fitness": "IAB7-1",
    "/Beauty & Fitness/Face & Body Care": "IAB18-1",
    "/Beauty & Fitness/Hair Care": "IAB18-1",
    "/Books & Literature": "IAB1-1",
    "/Business & Industrial/Advertising & Marketing": "IAB3-1",
    "/Computers & Electronics/Computer Hardware/Computer Peripherals": "IAB19-9",
    "/Computers & Electronics/Computer Hardware/Laptops & Notebooks": "IAB19-28",
    "/Computers & Electronics/Computer Security": "IAB19-25",
    "/Computers & Electronics/Consumer Electronics/Camera & Photo Equipment": "IAB19-5",
    "/Finance/Accounting & Auditing/Tax Preparation & Planning": "IAB13-12",
    "/Finance/Credit & Lending": "IAB13-2",
    "/Finance/Financial Planning & Management": "IAB13-4",
    "/Finance/Financial Planning & Management/Retirement & Pension": "IAB13-10",
    "/Finance/Insurance": "IAB13-6",
    "/Finance/Investing": "IAB13-7",
    "/Food & Drink/Food/Baked Goods": "IAB8-8",
    "/Food & Drink/Food/Candy & Sweets": "IAB8-8",
    "/Food & Drink/Restaurants": "IAB8-9",
    "/Games/Board Games": "IAB9-5",
    "/Games/Computer & Video Games": "IAB9-30",
    "/Hobbies & Leisure/Art & Craft Supplies": "IAB9-2",
    "/Hobbies & Leisure/Outdoors/Hiking & Camping": "IAB20-9",
    "/Home & Garden/Home & Interior Decor": "IAB10-7",
    "/Home & Garden/Home Appliances": "IAB10-1",
    "/Home & Garden/Home Furnishings": "IAB10-7",
    "/Home & Garden/Home Improvement": "IAB10-9",
    "/Home & Garden/Home Improvement/Plumbing": "IAB10-5",
    "/Home & Garden/Patio, Lawn & Garden/Barbecues & Grills": "IAB8-2",
    "/Home & Garden/Patio, Lawn & Garden/Gardening": "IAB10-4",
    "/Internet & Telecom/Mobile Phones": "IAB19-6",
    "/Internet & Telecom/Web Services/Web Design & Development": "IAB19-34",
    "/Jobs & Education/Education": "IAB5",
    "/Jobs & Education/Education/Foreign Language Study": "IAB5-8",
    "/Jobs & Education/Jobs": "IAB4-5",
    "/Law & Government/Legal Services": "IAB11-2",
    "/People & Society/Parenting": "IAB6",
    "/People & Society/Parenting/Babies & Toddlers": "IAB6-2",
    "/Pets & Animals/Pets/Cats": "IAB16-3",
    "/Pets & Animals/Pets/Dogs": "IAB16-4",
    "/Real Estate/Real Estate Listings/Residential Rentals": "IAB21-1",
    "/Real Estate/Real Estate Listings/Residential Sales": "IAB21-3",
    "/Shopping/Apparel": "IAB18-5",
    "/Shopping/Apparel/Clothing Accessories": "IAB18-6",
    "/Shopping/Apparel/Clothing Accessories/Gems & Jewelry": "IAB18-4",
    "/Shopping/Coupons & Discount Offers": "IAB22-2",
    "/Sports/Combat Sports": "IAB17-20",
    "/Sports/Cycling": "IAB17-3",
    "/Sports/Golf": "IAB17-15",
    "/Sports/Running & Walking": "IAB17-30",
    "/Sports/Soccer": "IAB17-44",
    "/Sports/Tennis": "IAB17-40",
    "/Sports/Water Sports/Swimming": "IAB17-38",
    "/Sports/Winter Sports/Skiing & Snowboarding": "IAB17-35",
    "/Travel & Transportation/Air Travel": "IAB20-3",
    "/Travel & Transportation/Cruises & Charters": "IAB20-12",
    "/Travel & Transportation/Hotels & Accommodations": "IAB20-18",
}

#: Topics that get no demo ads: politics, and the health-related insurance, training and job
#: topics and feminine hygiene, too close to GDPR Art. 9 categories for targeting.
EXCLUDED_TOPICS: frozenset[int] = frozenset({160, 247, 384, 539, 553})

# Per top level: (min bid CPM, max bid CPM, commercial weight for the number of ads), and slug.
_MARKET: dict[str, tuple[float, float, float, str]] = {
    "Arts & Entertainment": (0.8, 4.0, 1.0, "fun"),
    "Autos & Vehicles": (2.5, 8.0, 1.6, "motors"),
    "Beauty & Fitness": (1.5, 6.0, 1.4, "beauty"),
    "Books & Literature": (0.5, 3.0, 0.8, "books"),
    "Business & Industrial": (2.0, 7.0, 1.0, "pro"),
    "Computers & Electronics": (2.0, 7.0, 1.6, "tech"),
    "Finance": (4.0, 12.0, 2.0, "finance"),
    "Food & Drink": (1.0, 4.5, 1.3, "food"),
    "Games": (0.8, 4.0, 1.0, "games"),
    "Hobbies & Leisure": (0.8, 4.0, 0.9, "hobby"),
    "Home & Garden": (1.5, 6.0, 1.4, "home"),
    "Internet & Telecom": (2.0, 7.0, 1.4, "net"),
    "Jobs & Education": (2.0, 7.0, 1.2, "learn"),
    "Law & Government": (3.0, 9.0, 0.8, "legal"),
    "News": (0.5, 3.0, 0.5, "news"),
    "Online Communities": (0.5, 3.0, 0.6, "social"),
    "People & Society": (0.8, 4.0, 0.7, "family"),
    "Pets & Animals": (1.0, 5.0, 1.0, "pets"),
    "Real Estate": (3.0, 9.0, 1.5, "homes"),
    "Shopping": (1.5, 6.0, 1.8, "shop"),
    "Sports": (1.0, 5.0, 1.2, "sport"),
    "Travel & Transportation": (3.0, 10.0, 2.0, "travel"),
}
_CPM_SUBTREES: dict[str, tuple[float, float]] = {
    "/Finance/Insurance": (5.0, 12.0),
    "/Finance/Credit & Lending": (4.5, 12.0),
    "/Travel & Transportation/Air Travel": (4.0, 11.0),
}

# ---- places ----------------------------------------------------------------------------------
# Travel destinations, three lines each: English name / French name / currency of English ads
# ($: long-haul, prices scale up) / country (English); then sights in English and in French
# (with their article).
_CITY_TABLE = """
Lisbon / Lisbonne / € / Portugal
    Alfama; Belém; the Chiado; São Jorge Castle; Bairro Alto
    l'Alfama; Belém; le Chiado; le château Saint-Georges; le Bairro Alto
Porto / Porto / € / Portugal
    the Ribeira; the port wine cellars; the Douro riverside
    la Ribeira; les caves de porto; les quais du Douro
Barcelona / Barcelone / € / Spain
    the Gothic Quarter; Park Güell; Barceloneta beach; the Eixample
    le quartier gothique; le parc Güell; la plage de la Barceloneta; l'Eixample
Rome / Rome / € / Italy
    the Colosseum; Trastevere; the Trevi Fountain; Piazza Navona
    le Colisée; le Trastevere; la fontaine de Trevi; la piazza Navona
Paris / Paris / € / France
    the Marais; Montmartre; the Eiffel Tower; the Latin Quarter
    le Marais; Montmartre; la tour Eiffel; le Quartier latin
London / Londres / € / England
    Covent Garden; the South Bank; Shoreditch; Notting Hill
    Covent Garden; la South Bank; Shoreditch; Notting Hill
New York / New York / $ / the USA
    Central Park; SoHo; Times Square; the High Line
    Central Park; SoHo; Times Square; la High Line
Amsterdam / Amsterdam / € / the Netherlands
    the canals; the Jordaan; the Rijksmuseum
    les canaux; le Jordaan; le Rijksmuseum
Marrakech / Marrakech / € / Morocco
    the medina; Jemaa el-Fna; the Majorelle Garden
    la médina; la place Jemaa el-Fna; le jardin Majorelle
Prague / Prague / € / Czechia
    Old Town Square; Charles Bridge; Prague Castle
    la place de la Vieille-Ville; le pont Charles; le château de Prague
Berlin / Berlin / € / Germany
    Mitte; Kreuzberg; the Brandenburg Gate; Museum Island
    Mitte; Kreuzberg; la porte de Brandebourg; l'île aux Musées
Tokyo / Tokyo / $ / Japan
    Shibuya; Shinjuku; Asakusa
    Shibuya; Shinjuku; Asakusa
Madrid / Madrid / € / Spain
    the Prado; Retiro Park; Malasaña
    le Prado; le parc du Retiro; Malasaña
Seville / Séville / € / Spain
    the Alcázar; Triana; the Plaza de España
    l'Alcázar; Triana; la place d'Espagne
Valencia / Valence / € / Spain
    the City of Arts and Sciences; El Carmen; Malvarrosa beach
    la Cité des arts et des sciences; El Carmen; la plage de la Malvarrosa
Florence / Florence / € / Italy
    the Duomo; the Uffizi; the Ponte Vecchio
    le Duomo; les Offices; le Ponte Vecchio
Venice / Venise / € / Italy
    St Mark's Square; the Grand Canal; the Rialto
    la place Saint-Marc; le Grand Canal; le Rialto
Naples / Naples / € / Italy
    Spaccanapoli; the seafront; Pompeii
    Spaccanapoli; le front de mer; Pompéi
Milan / Milan / € / Italy
    the Duomo; Brera; the Navigli
    le Duomo; Brera; les Navigli
Athens / Athènes / € / Greece
    the Acropolis; Plaka; Monastiraki
    l'Acropole; Plaka; Monastiraki
Vienna / Vienne / € / Austria
    the Ringstrasse; Schönbrunn; the MuseumsQuartier
    le Ring; Schönbrunn; le MuseumsQuartier
Budapest / Budapest / € / Hungary
    the thermal baths; the Danube; Buda Castle
    les bains thermaux; le Danube; le château de Buda
Krakow / Cracovie / € / Poland
    the Old Town; Kazimierz; Wawel Castle
    la vieille ville; Kazimierz; le château du Wawel
Copenhagen / Copenhague / € / Denmark
    Nyhavn; Tivoli Gardens; Christianshavn
    Nyhavn; les jardins de Tivoli; Christianshavn
Stockholm / Stockholm / € / Sweden
    Gamla Stan; Södermalm; the archipelago
    Gamla Stan; Södermalm; l'archipel
Dublin / Dublin / € / Ireland
    Temple Bar; Trinity College; St Stephen's Green
    Temple Bar; Trinity College; St Stephen's Green
Edinburgh / Édimbourg / € / Scotland
    the Royal Mile; Edinburgh Castle; Arthur's Seat
    le Royal Mile; le château d'Édimbourg; Arthur's Seat
Brussels / Bruxelles / € / Belgium
    the Grand-Place; the Sablon; the Atomium
    la Grand-Place; le Sablon; l'Atomium
Munich / Munich / € / Germany
    Marienplatz; the English Garden; Schwabing
    Marienplatz; le Jardin anglais; Schwabing
Nice / Nice / € / France
    the Promenade des Anglais; the old town; the port
    la promenade des Anglais; le Vieux-Nice; le port
Bordeaux / Bordeaux / € / France
    the Place de la Bourse; the Chartrons; the Cité du Vin
    la place de la Bourse; les Chartrons; la Cité du Vin
Dubrovnik / Dubrovnik / € / Croatia
    the city walls; the Old Town; Lokrum island
    les remparts; la vieille ville; l'île de Lokrum
Istanbul / Istanbul / € / Türkiye
    the Grand Bazaar; Sultanahmet; the Bosphorus
    le Grand Bazar; Sultanahmet; le Bosphore
Reykjavik / Reykjavik / € / Iceland
    the old harbour; the Blue Lagoon; the Golden Circle
    le vieux port; le Blue Lagoon; le Cercle d'or
Montreal / Montréal / $ / Canada
    Old Montreal; the Plateau; Mount Royal
    le Vieux-Montréal; le Plateau; le mont Royal
Quebec City / Québec / $ / Canada
    Old Quebec; Petit Champlain; the Plains
    le Vieux-Québec; le Petit Champlain; les plaines d'Abraham
Mexico City / Mexico / $ / Mexico
    the Zócalo; Coyoacán; Condesa
    le Zócalo; Coyoacán; la Condesa
Kyoto / Kyoto / $ / Japan
    Gion; Arashiyama; the Philosopher's Path
    Gion; Arashiyama; le chemin de la Philosophie
Seoul / Séoul / $ / South Korea
    Myeongdong; Gangnam; Bukchon
    Myeongdong; Gangnam; Bukchon
Bangkok / Bangkok / $ / Thailand
    the Grand Palace; the riverside; Sukhumvit
    le Grand Palais; les bords du fleuve; Sukhumvit
Singapore / Singapour / $ / Singapore
    Marina Bay; Chinatown; Sentosa
    Marina Bay; Chinatown; Sentosa
Sydney / Sydney / $ / Australia
    the Opera House; Bondi Beach; the Rocks
    l'Opéra; Bondi Beach; The Rocks
Buenos Aires / Buenos Aires / $ / Argentina
    San Telmo; Palermo; La Boca
    San Telmo; Palermo; La Boca
Rio de Janeiro / Rio de Janeiro / $ / Brazil
    Copacabana; Ipanema; Sugarloaf Mountain
    Copacabana; Ipanema; le Pain de Sucre
San Francisco / San Francisco / $ / the USA
    the Golden Gate Bridge; Fisherman's Wharf; the Mission
    le Golden Gate; Fisherman's Wharf; Mission District
Havana / La Havane / $ / Cuba
    Old Havana; the Malecón; Vedado
    la Vieille Havane; le Malecón; Vedado
Dubai / Dubaï / $ / the UAE
    the Marina; the old souks; Downtown
    la Marina; les vieux souks; Downtown
Hanoi / Hanoï / $ / Vietnam
    the Old Quarter; Hoan Kiem Lake; the French Quarter
    le vieux quartier; le lac Hoan Kiem; le quartier français
"""


@functools.lru_cache(maxsize=1)
def _cities() -> tuple[tuple[str, str, str, bool, str, str, str], ...]:
    rows = [line.strip() for line in _CITY_TABLE.strip().splitlines()]
    out = []
    for head, sights_en, sights_fr in zip(rows[::3], rows[1::3], rows[2::3], strict=True):
        en, fr, cur, country = head.split(" / ")
        out.append((en, fr, cur, cur == "$", country, sights_en, sights_fr))
    return tuple(out)


#: The most asked-for destinations, per language: each topic's ads cover them first.
_TOP_CITIES = {
    "en": ("Lisbon", "Porto", "Barcelona", "Rome", "Paris", "London", "New York", "Amsterdam"),
    "fr": ("Lisbon", "Barcelona", "Rome", "London", "Marrakech"),
}
#: Departure cities for flights and trains (English, French); the first ones are in Europe.
_ORIGINS = {
    "en": "London, Paris, Berlin, Madrid, Amsterdam, Brussels, Frankfurt, Milan, Vienna, Zurich, "
    "Dublin, Manchester, New York, Boston, Toronto",
    "fr": "Paris, Lyon, Marseille, Bordeaux, Nantes, Toulouse, Nice, Lille, Bruxelles, Genève, "
    "Strasbourg",
}
_FAR_ORIGINS = frozenset({"New York", "Boston", "Toronto"})
#: Destinations reachable by train from the European departure cities.
_RAIL = frozenset(
    {
        "Lisbon",
        "Porto",
        "Barcelona",
        "Rome",
        "Paris",
        "London",
        "Amsterdam",
        "Prague",
        "Berlin",
        "Madrid",
        "Florence",
        "Venice",
        "Milan",
        "Vienna",
        "Budapest",
        "Copenhagen",
        "Brussels",
        "Munich",
        "Nice",
        "Bordeaux",
        "Edinburgh",
    }
)
# Ski resorts (one name in both languages), currency, long-haul.
_SKI: tuple[tuple[str, str, str, bool], ...] = tuple(
    (name, name.replace("St. Anton", "Saint-Anton"), "$" if name == "Whistler" else "€", False)
    for name in (
        "Chamonix",
        "Val Thorens",
        "Courchevel",
        "Tignes",
        "Val d'Isère",
        "Méribel",
        "Zermatt",
        "Verbier",
        "St. Anton",
        "Kitzbühel",
        "Cortina d'Ampezzo",
        "Morzine",
        "Avoriaz",
        "Serre Chevalier",
        "Megève",
        "Crans-Montana",
        "Ischgl",
        "Whistler",
    )
)
# Beaches and islands: English name, French name with its preposition, currency, long-haul.
_BEACHES: tuple[tuple[str, str, str, bool], ...] = (
    ("the Algarve", "en Algarve", "€", False),
    ("Crete", "en Crète", "€", False),
    ("Mallorca", "à Majorque", "€", False),
    ("Sardinia", "en Sardaigne", "€", False),
    ("Corsica", "en Corse", "€", False),
    ("Sicily", "en Sicile", "€", False),
    ("the Canary Islands", "aux Canaries", "€", False),
    ("Madeira", "à Madère", "€", False),
    ("Santorini", "à Santorin", "€", False),
    ("Ibiza", "à Ibiza", "€", False),
    ("the Costa Brava", "sur la Costa Brava", "€", False),
    ("Biarritz", "à Biarritz", "€", False),
    ("Djerba", "à Djerba", "€", False),
    ("Bali", "à Bali", "$", True),
    ("the Maldives", "aux Maldives", "$", True),
    ("Mauritius", "à l'île Maurice", "€", True),
    ("Zanzibar", "à Zanzibar", "$", True),
    ("Phuket", "à Phuket", "$", True),
    ("Cancún", "à Cancún", "$", True),
    ("Guadeloupe", "en Guadeloupe", "€", True),
    ("Martinique", "en Martinique", "€", True),
    ("the Seychelles", "aux Seychelles", "€", True),
    ("Réunion", "à La Réunion", "€", True),
    ("the Caribbean", "aux Caraïbes", "$", True),
)
# Regions for road trips, tours, cottages and hikes: English name, French with preposition.
_REGIONS: tuple[tuple[str, str, str, bool], ...] = (
    ("the Alps", "dans les Alpes", "€", False),
    ("the Dolomites", "dans les Dolomites", "€", False),
    ("the Pyrenees", "dans les Pyrénées", "€", False),
    ("Provence", "en Provence", "€", False),
    ("Brittany", "en Bretagne", "€", False),
    ("Tuscany", "en Toscane", "€", False),
    ("the Scottish Highlands", "dans les Highlands", "€", False),
    ("Andalusia", "en Andalousie", "€", False),
    ("the Douro Valley", "dans la vallée du Douro", "€", False),
    ("the Dordogne", "en Dordogne", "€", False),
    ("the Loire Valley", "dans le Val de Loire", "€", False),
    ("Iceland", "en Islande", "€", False),
    ("the Jura", "dans le Jura", "€", False),
    ("the Lake District", "dans le Lake District", "€", False),
    ("Norway's fjords", "dans les fjords norvégiens", "€", False),
    ("the Basque Country", "au Pays basque", "€", False),
    ("Puglia", "dans les Pouilles", "€", False),
    ("Alsace", "en Alsace", "€", False),
    ("the Cévennes", "dans les Cévennes", "€", False),
    ("Patagonia", "en Patagonie", "$", True),
)
# Home towns for local services, shops and listings (never a travel destination above).
_LOCAL = {
    "en": "Boston, Chicago, Austin, Denver, Seattle, Portland, Toronto, Vancouver, Minneapolis, "
    "Philadelphia, Ottawa, San Diego, Cork, Galway",
    "fr": "Lyon, Nantes, Lille, Toulouse, Rennes, Strasbourg, Montpellier, Grenoble, Dijon, "
    "Angers, Tours, Reims, Liège, Lausanne, Annecy",
}
_EURO_TOWNS = frozenset({"Cork", "Galway"})
# Languages to learn: English name, French name with its article, French "de" form.
_LANGUAGES: tuple[tuple[str, str, str], ...] = (
    ("Spanish", "l'espagnol", "d'espagnol"),
    ("English", "l'anglais", "d'anglais"),
    ("Italian", "l'italien", "d'italien"),
    ("German", "l'allemand", "d'allemand"),
    ("Japanese", "le japonais", "de japonais"),
    ("Portuguese", "le portugais", "de portugais"),
    ("French", "le français", "de français"),
    ("Mandarin", "le chinois", "de chinois"),
    ("Korean", "le coréen", "de coréen"),
    ("Dutch", "le néerlandais", "de néerlandais"),
)

# ---- brands ----------------------------------------------------------------------------------
# A brand is a root and an ending ("CasaLume"), a root and a word of its market ("Brisa Air"),
# or, in some markets, a French-style house name ("Maison Pilon").
_ROOTS = (
    "Casa Brisa Vela Azul Sol Onda Terra Lume Nord Alba Aria Bruma Cala Duna Elio Fira Gaia Isla "
    "Jara Kora Lira Mira Nima Olea Pilon Rivo Sora Tavi Vira Wren Yara Zefi Amber Birch Cedar "
    "Ember Fable Grove Harbor Ivy Juniper Kestrel Linden Maple Nectar Pebble Quartz Rowan Sable "
    "Tidal Vesper Willow Yonder Zephyr Corto Marin Solana Brio Alto Lumen Noma Orla Pino Rosa "
    "Tilde Vento Bello Clover Fern Hazel Moss Otter Perla Ravel"
)
_ENDINGS = (
    "Lume Nest Path Way Works Lab Field Craft Line Hub Leaf Stone Bay Vista Loop Point Box Mint "
    "Wave Ly Haus Kit Port Row Well Yard Mill Nova Verde"
)
_TAILS: dict[str, str] = {
    "fun": "Live | Tickets | Studios | Sound | Stage",
    "motors": "Motors | Auto | Cars | Drive",
    "beauty": "Beauty | Skin | Studio | Spa | Maison {}",
    "books": "Books | Press | Editions | Librairie {}",
    "pro": "Pro | Solutions | Industrial | Partners | Supply",
    "tech": "Tech | Audio | Labs | Digital | Systems",
    "finance": "Bank | Capital | Finance | Money | Assurance",
    "food": "Kitchen | Café | Market | Foods | Maison {} | Chez {}",
    "games": "Games | Play | Arcade",
    "hobby": "Crafts | Hobby | Supply | Outdoor | Atelier {}",
    "home": "Home | Living | Garden | Interiors | Atelier {}",
    "net": "Telecom | Mobile | Net | Cloud",
    "learn": "Academy | School | Learning | Careers",
    "legal": "Legal | Law | Partners",
    "news": "News | Daily | Times",
    "social": "Social | Community | Connect",
    "family": "Family | Kids | Together",
    "pets": "Pets | Paws | Companions",
    "homes": "Homes | Realty | Estates | Immobilier",
    "shop": "Store | Shop | Boutique | Goods | Maison {}",
    "sport": "Sport | Athletics | Outdoor | Run | Club",
    "travel": "Travel | Voyages | Stays | Trips | Escapes | Holidays",
}
_MODELS = (
    "Air Pro One Go Max Lite Studio Nova Mini Plus Evo Flex Pure Arc Zen Neo Core Edge Aero Vita"
)


# ---- deals: how ads of a kind are sold ----------------------------------------------------------
# Per deal and language: generic titles for a product noun ({n}), generic text sentences, offer
# sentences, a call to action, and the default price range.
@dataclass(frozen=True)
class _Deal:
    titles: dict[str, tuple[str, ...]]
    texts: dict[str, tuple[str, ...]]
    offers: dict[str, tuple[str, ...]]
    cta: dict[str, tuple[str, ...]]
    price: tuple[float, float] | None


def _split(s: str) -> tuple[str, ...]:
    return tuple(p.strip() for p in s.split(" | ") if p.strip())


def _deal(price: tuple[float, float] | None, **parts: str) -> _Deal:
    def both(key: str) -> dict[str, tuple[str, ...]]:
        return {lang: _split(parts[f"{key}_{lang}"]) for lang in ("en", "fr")}

    return _Deal(both("titles"), both("texts"), both("offers"), both("cta"), price)


_GENERIC_TEXTS_EN = (
    "{B} has {n} for every budget. | Compare {n} side by side, with honest advice. | "
    "Specialists in {n} since [2004|2009|2012|2016]."
)
_GENERIC_TEXTS_FR = (
    "{N} pour tous les budgets chez {B}. | {N} : comparez, choisissez, on vous conseille. | "
    "Depuis [2004|2009|2012|2016] : {n}, conseils compris."
)
_DEALS: dict[str, _Deal] = {
    "shop": _deal(
        (19, 199),
        titles_en="{n} from {p} | {n}: {d} off this week | {n} with free delivery",
        titles_fr="{n} dès {p} | {n} : -{d} cette semaine | {n}, livraison offerte",
        texts_en=_GENERIC_TEXTS_EN,
        texts_fr=_GENERIC_TEXTS_FR,
        offers_en="Free delivery over {p:40}. | Free returns for 30 days. | "
        "Gift wrapping on request. | {d} off your first order. | "
        "Order by 6pm for next-day delivery. | Click & collect in two hours.",
        offers_fr="Livraison offerte dès {p:40}. | Retours gratuits sous 30 jours. | "
        "Emballage cadeau sur demande. | -{d} sur votre première commande. | "
        "Commandé avant 18 h, livré demain. | Retrait en magasin en 2 h.",
        cta_en="Shop now at {B}. | Order online from {B}.",
        cta_fr="Commandez chez {B}. | En ligne et en boutique chez {B}.",
    ),
    "book": _deal(
        (59, 299),
        titles_en="{n} from {p} | {n}: book direct and save | last-minute {n} from {p}",
        titles_fr="{n} dès {p} | {n} : réservez en direct | {n} à prix doux",
        texts_en=_GENERIC_TEXTS_EN,
        texts_fr=_GENERIC_TEXTS_FR,
        offers_en="Free cancellation up to 48 hours before. | Members save an extra {d}. | "
        "Book now, pay later. | Best price when you book direct. | "
        "Instant confirmation, secure booking.",
        offers_fr="Annulation gratuite jusqu'à 48 h avant. | Membres : -{d} supplémentaires. | "
        "Réservez maintenant, payez plus tard. | Meilleur prix en réservant en direct. | "
        "Confirmation immédiate, paiement sécurisé.",
        cta_en="Book direct at {B}. | Reserve online with {B}.",
        cta_fr="Réservez en direct chez {B}. | Réservation en ligne sur {B}.",
    ),
    "service": _deal(
        (49, 199),
        titles_en="{n} from {p} | {n}: free quote in 24 hours | {n} near you",
        titles_fr="{n} dès {p} | {n} : devis gratuit sous 24 h | {n} près de chez vous",
        texts_en="{N} you can trust. | Local experts for {n}. | "
        "{B}: {n} since [2004|2009|2012|2016].",
        texts_fr="{N} : des experts près de chez vous. | {B} : {n} depuis [2004|2009|2012|2016].",
        offers_en="Free quote within 24 hours. | Fixed prices, no surprises. | "
        "Appointments this week. | Insured, certified professionals.",
        offers_fr="Devis gratuit sous 24 h. | Prix fixes, sans surprise. | "
        "Rendez-vous dans la semaine. | Professionnels certifiés et assurés.",
        cta_en="Call {B} today. | Get a quote from {B}.",
        cta_fr="Contactez {B} dès aujourd'hui. | Demandez votre devis à {B}.",
    ),
    "sub": _deal(
        (5, 15),
        titles_en="{n} from {p}/month | {n}: first month free | {n}, cancel anytime",
        titles_fr="{n} dès {p}/mois | {n} : premier mois offert | {n}, sans engagement",
        texts_en="{N}, on every screen. | Discover {n} with {B}. | {N}: start free today.",
        texts_fr="{N}, sur tous vos écrans. | {N} : à découvrir chez {B}. | "
        "{N} : essai gratuit dès aujourd'hui.",
        offers_en="First month free. | Cancel anytime. | Try it free for 30 days. | "
        "{d} off the annual plan.",
        offers_fr="Premier mois offert. | Sans engagement. | Essai gratuit de 30 jours. | "
        "-{d} sur l'abonnement annuel.",
        cta_en="Start with {B} today. | Sign up at {B}.",
        cta_fr="Lancez-vous avec {B}. | Inscription en ligne sur {B}.",
    ),
    "course": _deal(
        (19, 199),
        titles_en="{n} from {p} | {n}: first lesson free | {n}, online or in person",
        titles_fr="{n} dès {p} | {n} : premier cours offert | {n}, en ligne ou en présentiel",
        texts_en="{N} with expert teachers. | Discover {n} with {B}. | {N} for every level.",
        texts_fr="{N} avec des formateurs experts. | {N} : à découvrir chez {B}. | "
        "{N} pour tous les niveaux.",
        offers_en="First lesson free. | Certificate on completion. | Learn at your own pace. | "
        "New groups start every month.",
        offers_fr="Premier cours offert. | Certificat à la clé. | À votre rythme. | "
        "Nouvelles sessions chaque mois.",
        cta_en="Enrol with {B}. | Book a free trial class at {B}.",
        cta_fr="Inscrivez-vous chez {B}. | Cours d'essai gratuit chez {B}.",
    ),
    "money": _deal(
        None,
        titles_en="{n} with no hidden fees | {n}: compare and apply online | {n}, made simple",
        titles_fr="{n} sans frais cachés | {n} : comparez et souscrivez en ligne | "
        "{n}, en toute simplicité",
        texts_en="Compare {n} in minutes. | {N}, explained simply. | {B}: {n} without the jargon.",
        texts_fr="{N} : comparez en quelques minutes. | {B} : {n}, sans jargon.",
        offers_en="Open online in 10 minutes. | Transparent pricing, no hidden costs. | "
        "Get a personal quote online. | Advisers available 7 days a week.",
        offers_fr="Souscription en ligne en 10 minutes. | Tarifs clairs, sans frais cachés. | "
        "Devis personnalisé en ligne. | Conseillers disponibles 7 j/7.",
        cta_en="Apply online with {B}. | Talk to a {B} adviser.",
        cta_fr="Simulation en ligne chez {B}. | Parlez à un conseiller {B}.",
    ),
    "food": _deal(
        (9, 35),
        titles_en="{n} from {p} | {n}, delivered tonight | {n} near you",
        titles_fr="{n} dès {p} | {n}, livraison ce soir | {n} près de chez vous",
        texts_en="{N}, fresh every day. | {B}: {n} made with local produce.",
        texts_fr="{N}, frais chaque jour. | {B} : {n} avec des produits locaux.",
        offers_en="Free delivery on your first order. | Open 7 days a week. | "
        "Seasonal menu, local produce. | Book a table online.",
        offers_fr="Livraison offerte sur la première commande. | Ouvert 7 j/7. | "
        "Carte de saison, produits locaux. | Réservez votre table en ligne.",
        cta_en="Order from {B} tonight. | Book at {B}.",
        cta_fr="Commandez chez {B} ce soir. | Réservez chez {B}.",
    ),
    "event": _deal(
        (15, 60),
        titles_en="{n}: tickets from {p} | {n}: book your seats | {n} this season",
        titles_fr="{n} : billets dès {p} | {n} : réservez vos places | {n} cette saison",
        texts_en="Discover {n} with {B}. | {N}: the best seats, booked in seconds.",
        texts_fr="{N} : à découvrir chez {B}. | {N} : les meilleures places en quelques secondes.",
        offers_en="Early-bird prices until Friday. | Group rates for 8 or more. | "
        "E-tickets sent instantly. | Free exchanges up to 24 hours before.",
        offers_fr="Tarifs early bird jusqu'à vendredi. | Tarif groupe dès 8 personnes. | "
        "E-billets envoyés immédiatement. | Échange gratuit jusqu'à 24 h avant.",
        cta_en="Get tickets at {B}. | Book your seats with {B}.",
        cta_fr="Billets sur {B}. | Réservez vos places chez {B}.",
    ),
    "media": _deal(
        (9, 25),
        titles_en="{n} from {p} | {n}: new titles every week | {n}, free for 30 days",
        titles_fr="{n} dès {p} | {n} : nouveautés chaque semaine | {n}, 30 jours offerts",
        texts_en="Discover {n} with {B}. | {N}, picked by our team. | {B}: {n} for every taste.",
        texts_fr="{N} : à découvrir chez {B}. | {N}, notre sélection. | "
        "{B} : {n} pour tous les goûts.",
        offers_en="Free for 30 days. | Free shipping on every order. | New titles every week. | "
        "Read or listen anywhere.",
        offers_fr="Gratuit pendant 30 jours. | Livraison gratuite. | Nouveautés chaque semaine. | "
        "À lire ou à écouter partout.",
        cta_en="Start today with {B}. | Browse the {B} catalogue.",
        cta_fr="À découvrir chez {B}. | Tout le catalogue {B} en ligne.",
    ),
    "car": _deal(
        (14990, 39990),
        titles_en="{n} from {p} | {n}: test drive this weekend | "
        "{n} on lease from {p:199}/month | nearly-new {n}, inspected and guaranteed",
        titles_fr="{n} dès {p} | {n} : essai gratuit ce week-end | {n} en LOA dès {p:199}/mois",
        texts_en="{N} at {B} dealerships. | Compare {n} and book a test drive.",
        texts_fr="{N} chez les concessionnaires {B}. | {N} : comparez et réservez un essai.",
        offers_en="0% finance on selected models. | Part-exchange valuation in 2 minutes. | "
        "Free servicing for 3 years. | Home delivery of your new car.",
        offers_fr="Financement à 0 % sur une sélection de modèles. | "
        "Reprise de votre véhicule estimée en 2 minutes. | Entretien offert pendant 3 ans. | "
        "Livraison à domicile de votre voiture.",
        cta_en="Book a test drive with {B}. | Visit a {B} showroom.",
        cta_fr="Réservez un essai chez {B}. | Rendez-vous en concession {B}.",
    ),
    "grocery": _deal(
        (9, 49),
        titles_en="{n} from {p} | {n}, delivered tomorrow | {n}: {d} off your first box",
        titles_fr="{n} dès {p} | {n}, livrés demain | {n} : -{d} sur la première box",
        texts_en="{N}, fresh from small producers. | {B}: {n} delivered to your door.",
        texts_fr="{N}, en direct des petits producteurs. | {B} : {n} livrés chez vous.",
        offers_en="Free delivery over {p:40}. | Delivered chilled, the next day. | "
        "{d} off your first box. | Order by 10pm for delivery tomorrow.",
        offers_fr="Livraison offerte dès {p:40}. | Livré au frais, le lendemain. | "
        "-{d} sur votre première box. | Commandé avant 22 h, livré demain.",
        cta_en="Order from {B}. | Fill your basket at {B}.",
        cta_fr="Commandez chez {B}. | Remplissez votre panier chez {B}.",
    ),
    "salon": _deal(
        (25, 80),
        titles_en="{n} from {p} | {n}: book online | {n}, open late on Thursdays",
        titles_fr="{n} dès {p} | {n} : réservez en ligne | {n}, ouvert tard le jeudi",
        texts_en="{N} by experienced stylists. | {B}: {n} in a relaxed salon.",
        texts_fr="{N} par des professionnels expérimentés. | {B} : {n} dans un salon chaleureux.",
        offers_en="Book online in 30 seconds. | Open late on Thursdays. | "
        "{d} off your first visit. | Gift cards available.",
        offers_fr="Réservation en ligne en 30 secondes. | Ouvert tard le jeudi. | "
        "-{d} sur votre première visite. | Cartes cadeaux disponibles.",
        cta_en="Book at {B}. | Book your appointment with {B}.",
        cta_fr="Réservez chez {B}. | Prenez rendez-vous chez {B}.",
    ),
    "jobs": _deal(
        None,
        titles_en="{n}: new vacancies every day | {n} near you | {n}, apply in one click",
        titles_fr="{n} : nouvelles offres chaque jour | {n} près de chez vous | "
        "{n}, postulez en un clic",
        texts_en="Thousands of {n}, updated daily. | {N} from employers who are hiring now.",
        texts_fr="{N} : des milliers d'annonces mises à jour chaque jour. | "
        "{N} chez des employeurs qui recrutent.",
        offers_en="Free job alerts by email. | Salary shown on every listing. | "
        "Upload your CV once, apply everywhere.",
        offers_fr="Alertes emploi gratuites par e-mail. | Salaire affiché sur chaque annonce. | "
        "Déposez votre CV une fois, postulez partout.",
        cta_en="Find your next job with {B}. | Create a free {B} profile.",
        cta_fr="Trouvez votre prochain poste avec {B}. | Créez votre profil {B}.",
    ),
}
# How a brand is put into a title that does not name it (weights: brand first is commoner).
_TITLE_FORMS = {
    "en": ("{B} — {t}", "{B} — {t}", "{B}: {t}", "{B}: {t}", "{t} | {B}", "{t} — {B}"),
    "fr": ("{B} — {t}", "{B} — {t}", "{B} : {t}", "{B} : {t}", "{t} | {B}", "{t} — {B}"),
}

#: Share of the ads written in French.
_FRENCH = 0.2


# ---- the per-topic vocabulary (`_VOCAB`, at the end of this module) ---------------------------
@dataclass(frozen=True)
class _Kind:
    """One kind of product or offer of a topic: how it is sold, its price range (None: no
    price is quoted), the price factor for long-haul places, the advertiser's sub-brand for it
    ("Air": "Brisa Travel" sells flights as "Brisa Air"), and per language its title phrases
    (``T``), text sentences (``X``) and product nouns for the deal's generic titles (``N``)."""

    deal: str
    price: tuple[float, float] | None
    far: float
    sub: str = ""
    phrases: dict[str, dict[str, list[str]]] = field(default_factory=dict)


_CODES = {"T": ("en", "T"), "X": ("en", "X"), "N": ("en", "N")}
_CODES.update({c.lower(): ("fr", code) for c, (_, code) in _CODES.items()})


@functools.lru_cache(maxsize=1)
def _vocab() -> dict[int, tuple[_Kind, ...]]:
    """``topic id -> kinds``, parsed from `_VOCAB` (see the format there)."""
    kinds: dict[int, list[_Kind]] = {}
    kind: _Kind | None = None
    for number, raw in enumerate(_VOCAB.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        head, _, rest = line.partition(" ")
        if head.isdigit():
            deal, *opts = rest.split()
            price, far, sub = _DEALS[deal].price, 1.0, ""
            for opt in opts:
                if opt.startswith("@"):
                    sub = opt[1:]
                elif opt.startswith("x"):
                    far = float(opt[1:])
                elif opt == "-":
                    price = None
                else:
                    lo, hi = opt.split("-")
                    price = (float(lo), float(hi))
            parts: dict[str, dict[str, list[str]]] = {
                lang: {"T": [], "X": [], "N": []} for lang in ("en", "fr")
            }
            kind = _Kind(deal, price, far, sub, parts)
            kinds.setdefault(int(head), []).append(kind)
        elif kind is not None and head in _CODES:
            lang, code = _CODES[head]
            kind.phrases[lang][code].extend(_split(rest.replace("--", "\u2013")))
        else:
            raise ValueError(f"_VOCAB line {number}: cannot parse {line!r}")
    for tid, ks in kinds.items():
        for k in ks:
            for lang, words in k.phrases.items():
                if not words["T"] and not words["N"]:
                    raise ValueError(f"_VOCAB topic {tid}: a {k.deal} kind has no {lang} title")
    return {t: tuple(ks) for t, ks in kinds.items()}


class _Cycler:
    """Hands out the items of a list in a shuffled order, every item once before any twice
    (per key). In the first round, ``passes`` shuffled rounds of the ``first`` items come
    before the others (popular destinations get more ads)."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.state: dict[tuple[object, ...], list[Any]] = {}

    def next(
        self,
        key: tuple[object, ...],
        items: Iterable[Any],
        first: Iterable[Any] = (),
        passes: int = 1,
    ) -> Any:
        queue = self.state.get(key)
        if not queue:
            pool, top = list(items), list(first)
            if key in self.state:  # a later round: plain shuffle
                queue = self.rng.sample(pool, len(pool))
            else:  # the first round: ``passes`` shuffled rounds of ``first``, then the others
                queue = [x for _ in range(passes) for x in self.rng.sample(top, len(top))]
                rest = [x for x in pool if x not in top]
                queue += self.rng.sample(rest, len(rest))
            queue.reverse()
            self.state[key] = queue
        return queue.pop()


_SLOT = re.compile(r"\{(\w)(?::(\d+))?\}")
_ALT = re.compile(r"\[([^\[\]]*)\]")
_NO_PRICE = re.compile(r"\{p\}")


def _commas(s: str) -> tuple[str, ...]:
    return tuple(p.strip() for p in s.split(","))


def _nice_price(rng: random.Random, lo: float, hi: float) -> float:
    """A shop price between ``lo`` and ``hi``: 9.99, 49, 349, 1,290, 24,990, 345,000."""
    x = rng.uniform(lo, hi)
    if x < 20:
        return int(x) + 0.99
    if x < 1000:
        step = 10 if x < 300 else 50
        return max(step, round(x / step) * step) - 1
    if x < 100_000:
        step = 100 if x < 10_000 else 1000
        return round(x / step) * step - 10
    return float(round(x / 5000) * 5000)


def _money(amount: float, currency: str, lang: str) -> str:
    text = f"{amount:,.2f}" if amount != int(amount) else f"{int(amount):,}"
    if lang == "en":
        return f"{currency}{text}"
    return text.replace(",", " ").replace(".", ",") + " €"


def _model(rng: random.Random) -> str:
    """A product model name: "Arc", "Studio 45", "X5"."""
    r, word = rng.random(), rng.choice(_MODELS.split())
    if r < 0.5:
        return word
    if r < 0.8:
        return f"{word} {rng.choice((2, 3, 4, 5, 7, 9, 10, 12, 20, 45, 60, 100, 300, 500))}"
    return f"{rng.choice('SXQRT')}{rng.choice((2, 3, 5, 7, 9, 10, 40, 45, 90))}"


def _resolve_alternatives(rng: random.Random, s: str) -> str:
    while m := _ALT.search(s):
        s = s[: m.start()] + rng.choice(m.group(1).split("|")) + s[m.end() :]
    return s


class _Writer:
    """Writes the title and text of one ad of a kind: picks phrases, then fills their slots
    (one value per slot name in an ad, so the title's and the text's Lisbon agree)."""

    def __init__(self, rng: random.Random, cyc: _Cycler, tid: int, lang: str) -> None:
        self.rng, self.cyc, self.tid, self.lang = rng, cyc, tid, lang
        self.values: dict[str, str] = {}
        self.currency = ""
        self.far = False

    def _place(self, slot: str, table: tuple[tuple[str, str, str, bool], ...]) -> str:
        row: tuple[str, str, str, bool] = self.cyc.next((self.tid, self.lang, slot), table)
        self._where(row[2], row[3])
        return row[0] if self.lang == "en" else row[1]

    def _where(self, currency: str, far: bool) -> None:
        if not self.currency:
            self.currency, self.far = currency, far

    def _city(self, rail: bool) -> tuple[str, str, str, bool, str, str, str]:
        # A topic's first ads go to the top destinations, in shuffled passes (four for English,
        # two for the fewer French ads), then to the others: popular places get more ads.
        pool = [c for c in _cities() if not rail or c[0] in _RAIL]
        top = [c for c in pool if c[0] in _TOP_CITIES[self.lang]]
        city: tuple[str, str, str, bool, str, str, str] = self.cyc.next(
            (self.tid, self.lang, "e" if rail else "c"), pool, top, 4 if self.lang == "en" else 2
        )
        self._where(city[2], city[3])
        return city

    def fill(
        self, raw: list[str], brand: str, price: tuple[float, float] | None, far_factor: float
    ) -> list[str]:
        """``raw`` phrases with their slots filled, each capitalised."""
        rng, lang = self.rng, self.lang
        raw = [_resolve_alternatives(rng, s) for s in raw]
        slots = [m.group(1) for s in raw for m in _SLOT.finditer(s)]
        v = self.values
        dest = ""
        for slot in ("c", "e", "k", "h"):
            if slot in slots and not dest:
                city = self._city(rail="e" in slots)
                dest = city[0]
                v["c"] = v["e"] = city[0] if lang == "en" else city[1]
                v["k"] = city[4]
                v["h"] = rng.choice((city[5] if lang == "en" else city[6]).split("; "))
        if "o" in slots:
            far_ok = "e" not in slots
            origins = [
                o
                for o in _commas(_ORIGINS[lang])
                if o != dest and o != v.get("c") and (far_ok or o not in _FAR_ORIGINS)
            ]
            v["o"] = rng.choice(origins)
        for slot, table in (("s", _SKI), ("b", _BEACHES), ("r", _REGIONS)):
            if slot in slots:
                v[slot] = self._place(slot, table)
        if "g" in slots or "j" in slots:
            name, with_article, with_de = self.cyc.next(
                (self.tid, lang, "g"), _LANGUAGES, _LANGUAGES[:4], 2
            )
            v["g"], v["j"] = (name, name) if lang == "en" else (with_article, with_de)
        if "l" in slots:
            town = self.cyc.next((self.tid, lang, "l"), _commas(_LOCAL[lang]))
            self._where("€" if lang == "fr" or town in _EURO_TOWNS else "$", False)
            v["l"] = town
        cur = "€" if lang == "fr" else self.currency or rng.choice(("€", "$"))
        if "p" in slots and price is not None:
            factor = far_factor if self.far else 1.0
            v["p"] = _money(_nice_price(rng, price[0] * factor, price[1] * factor), cur, lang)
        if "d" in slots:
            pct = rng.choice((10, 15, 20, 25, 30, 40))
            v["d"] = f"{pct}%" if lang == "en" else f"{pct} %"
        if "m" in slots:
            v["m"] = _model(rng)
        v["B"] = brand

        def sub(m: re.Match[str]) -> str:
            if m.group(2) is not None:
                return _money(float(m.group(2)), cur, lang)
            return v.get(m.group(1), "")

        return [_cap(_SLOT.sub(sub, s)) for s in raw]


# Slots that name a place, by kind of place: one kind of place per ad.
_PLACE = {"c": "city", "e": "city", "k": "city", "h": "city", "o": "city"}
_PLACE.update({"b": "beach", "r": "region", "s": "ski", "l": "town"})


def _places(s: str) -> set[str]:
    return {_PLACE[m.group(1)] for m in _SLOT.finditer(s) if m.group(1) in _PLACE}


def _sentences(rng: random.Random, title: str, sentences: list[str], want: int) -> list[str]:
    """Up to ``want`` text sentences that name no other kind of place than the title, those
    naming the title's place first (an ad about Lisbon says Lisbon twice)."""
    places = _places(title)
    order = rng.sample(sentences, len(sentences))
    if places:
        order.sort(key=lambda x: not _places(x) & places)
    chosen: list[str] = []
    for sentence in order:
        own = _places(sentence)
        if own <= places or (not places and len(own) == 1):
            chosen.append(sentence)
            places |= own
            if len(chosen) == want:
                break
    return chosen


def _write(
    rng: random.Random, cyc: _Cycler, brand: tuple[str, str], tid: int, kind: _Kind, lang: str
) -> tuple[str, str]:
    """Title and text of one ad of ``kind`` for topic ``tid`` by ``brand`` (its name, and its
    base for sub-brands)."""
    deal = _DEALS[kind.deal]
    name = f"{brand[1]} {kind.sub}" if kind.sub else brand[0]
    words = kind.phrases[lang]

    def usable(phrases: Iterable[str]) -> list[str]:
        return [s for s in phrases if kind.price is not None or not _NO_PRICE.search(s)]

    titles, nouns, sentences = usable(words["T"]), words["N"], usable(words["X"])
    generic = usable(deal.titles[lang])
    noun = ""
    if titles and (not nouns or not generic or rng.random() < 0.7):
        title = rng.choice(titles)
    else:
        noun = rng.choice(nouns)
        plain = [g for g in generic if ":" not in g or ":" not in noun]  # one colon at most
        title = rng.choice(plain or generic).replace("{n}", noun)
    if "{B}" not in title:  # no "Brand: a: b", one colon is enough
        forms = [f for f in _TITLE_FORMS[lang] if ":" not in title or ":" not in f]
        title = rng.choice(forms).replace("{t}", title)
    text: list[str] = []
    if sentences:
        text = _sentences(rng, title, sentences, 2 if rng.random() < 0.3 else 1)
    elif nouns:  # a generic sentence about another of the kind's products, if it has one
        pick = rng.choice([x for x in nouns if x != noun] or nouns)
        text = [rng.choice(deal.texts[lang]).replace("{n}", pick).replace("{N}", _cap(pick))]
    if rng.random() < 0.5:
        text.append(rng.choice(usable(deal.offers[lang])))
    if not text or (len(text) < 3 and rng.random() < 0.25):
        text.append(rng.choice(deal.cta[lang]))
    title, *body = _Writer(rng, cyc, tid, lang).fill([title, *text], name, kind.price, kind.far)
    return title, " ".join(body)


def _fallback_kind(path: str, words: list[str]) -> _Kind:
    """A kind for a topic the vocabulary does not cover (none today; a safety net for a new
    taxonomy): English nouns from its name and its nearest lexicon ancestor's words."""
    leaf = _leaf(path).lower()
    nouns = [f"{leaf} essentials", f"{leaf} products and services"]
    pairs = zip(words[::2], words[1::2], strict=False)
    extra = [f"Everything for {leaf}, from {a} to {b}." for a, b in pairs]
    en: dict[str, list[str]] = {"T": [], "X": extra[:3], "N": nouns}
    return _Kind("shop", _DEALS["shop"].price, 1.0, "", {"en": en, "fr": en})


# ---- helpers kept from the taxonomy side ------------------------------------------------------
def _read(name: str) -> str:
    # The data files are compiled into the Rust extension (one copy, in rust/data/).
    from chatads import _core

    return {"topics_taxonomy_v2.tsv": _core.TAXONOMY_TSV, "topic_lexicon.tsv": _core.LEXICON_TSV}[
        name
    ]


@functools.lru_cache(maxsize=1)
def _taxonomy() -> tuple[tuple[int, str], ...]:
    rows = (line.split("\t") for line in _read("topics_taxonomy_v2.tsv").splitlines()[1:])
    return tuple((int(r[0]), r[1].strip()) for r in rows if len(r) >= 2)


def iter_topics() -> list[tuple[int, str]]:
    """The Topics taxonomy v2 as ``(id, path)`` pairs, in file order."""
    return list(_taxonomy())


@functools.lru_cache(maxsize=1)
def _lexicon() -> dict[int, dict[str, list[str]]]:
    """``topic id -> lang -> words``, in file order."""
    lex: dict[int, dict[str, list[str]]] = {}
    for line in _read("topic_lexicon.tsv").splitlines()[1:]:
        cols = line.split("\t")
        if len(cols) >= 3:
            lex.setdefault(int(cols[0]), {"en": [], "fr": []}).setdefault(cols[1], []).append(
                cols[2].strip()
            )
    return lex


def _longest_prefix(path: str, prefixes: Iterable[str]) -> str:
    keys = [k for k in prefixes if path == k or path.startswith(k + "/")]
    return max(keys, key=len) if keys else ""


def _iab(path: str) -> list[str]:
    """IAB 1.0 codes of a topic: its tier-1, then its tier-2 when one is known."""
    code = IAB_SUBTREES.get(_longest_prefix(path, IAB_SUBTREES), "")
    if not code:
        return [IAB_TIER1[path.split("/")[1]]]
    return [code] if "-" not in code else [code.split("-")[0], code]


def _leaf(path: str) -> str:
    return path.rsplit("/", 1)[1].split(" (")[0].strip()


def _cap(word: str) -> str:
    return word[:1].upper() + word[1:]


def _allocate(weights: list[float], n: int, floors: list[int]) -> list[int]:
    """Split ``n`` over ``weights`` (largest remainder), giving each at least its floor."""
    if sum(floors) > n:
        floors = [0] * len(weights)
    rest, total = n - sum(floors), sum(weights) or 1.0
    quotas = [w * rest / total for w in weights]
    counts = [f + int(q) for f, q in zip(floors, quotas, strict=True)]
    by_remainder = sorted(range(len(weights)), key=lambda i: (int(quotas[i]) - quotas[i], i))
    for i in by_remainder[: n - sum(counts)]:
        counts[i] += 1
    return counts


def _domain_label(name: str) -> str:
    folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return "".join(ch for ch in folded.lower() if ch.isalnum())


def _brand(rng: random.Random, slug: str, taken: set[str]) -> tuple[str, str, str]:
    """A fictional brand, its base for sub-brands ("Brisa Travel" -> "Brisa", "CasaLume" ->
    "CasaLume") and its ``.example`` domain, never used before in this catalog."""
    roots, endings, tails = _ROOTS.split(), _ENDINGS.split(), _split(_TAILS[slug])
    for attempt in range(1000):
        root = rng.choice(roots)
        if rng.random() < 0.5:
            name = base = root + rng.choice([e for e in endings if e != root])
        else:
            tail, base = rng.choice(tails), root
            name = tail.format(root) if "{}" in tail else f"{root} {tail}"
        if attempt >= 50:
            name, base = f"{name} {attempt}", f"{base} {attempt}"
        domain = f"{_domain_label(name)}-{slug}.example"
        if domain not in taken:
            taken.add(domain)
            return name, base, domain
    raise RuntimeError("could not name an advertiser")


def generate_demo_ads(n: int = 6000, seed: int = 7) -> list[dict[str, Any]]:
    """Generate ``n`` synthetic ads, identical for identical ``(n, seed)``.

    Each ad is a dict with ``ad_id``, ``advertiser`` (a ``.example`` domain with about 5 to 15
    ads), ``title``, ``text``, ``categories`` (IAB 1.0 codes), ``topics`` (its Topics id, and
    sometimes its parent's) and ``bid_cpm`` (0.5 to 12.0).
    """
    rng = random.Random(seed)
    lex, vocab = _lexicon(), _vocab()
    topics = [(tid, path) for tid, path in _taxonomy() if tid not in EXCLUDED_TOPICS]
    id_of = {path: tid for tid, path in _taxonomy()}
    weights = [_MARKET[p.split("/")[1]][2] * (3.0 if t in lex else 0.6) for t, p in topics]
    counts = _allocate(weights, max(n, 0), [1 if t in lex else 0 for t, _ in topics])

    by_top: dict[str, list[tuple[int, str]]] = {}
    for (tid, path), count in zip(topics, counts, strict=True):
        by_top.setdefault(path.split("/")[1], []).extend([(tid, path)] * count)

    taken: set[str] = set()  # advertiser domains
    titles: set[str] = set()
    cyc = _Cycler(rng)
    rows: list[tuple[str, str, str, list[str], list[int], float]] = []
    for top, items in by_top.items():
        lo_top, hi_top, _, slug = _MARKET[top]
        i = 0
        while i < len(items):
            rest = len(items) - i
            size = rest if rest <= 15 else min(rng.randint(5, 15), rest - 5)
            name, base, domain = _brand(rng, slug, taken)
            factor = rng.uniform(0.85, 1.2)
            for tid, path in items[i : i + size]:
                kinds = vocab.get(tid)
                if kinds is None:
                    ancestor = path
                    while ancestor.count("/") > 1 and id_of[ancestor] not in lex:
                        ancestor = ancestor.rsplit("/", 1)[0]
                    kinds = (_fallback_kind(path, lex.get(id_of[ancestor], {}).get("en", [])),)
                kind: _Kind = cyc.next(("kind", tid), kinds)
                lang = "fr" if rng.random() < _FRENCH else "en"
                for _attempt in range(8):  # a title seen before: write another one
                    title, text = _write(rng, cyc, (name, base), tid, kind, lang)
                    if title not in titles:
                        break
                titles.add(title)
                parent = id_of.get(path.rsplit("/", 1)[0])
                ids = [tid, parent] if parent is not None and rng.random() < 0.5 else [tid]
                lo, hi = _CPM_SUBTREES.get(_longest_prefix(path, _CPM_SUBTREES), (lo_top, hi_top))
                bid = rng.triangular(lo, hi, lo + 0.35 * (hi - lo)) * factor
                bid = round(min(12.0, max(0.5, bid)), 2)
                rows.append((domain, title, text, _iab(path), ids, bid))
            i += size
    rng.shuffle(rows)
    return [
        {
            "ad_id": f"demo-{k:06d}",
            "advertiser": adv,
            "title": title,
            "text": text,
            "categories": cats,
            "topics": ids,
            "bid_cpm": bid,
        }
        for k, (adv, title, text, cats, ids, bid) in enumerate(rows)
    ]


# ---- vocabulary ------------------------------------------------------------------------------
# Kinds of product or offer per topic. A line "<topic id> <deal> [<lo>-<hi>|-] [x<factor>]"
# starts a kind: how it is sold (a key of `_DEALS`), its price range (default: the deal's; "-":
# none) and the price factor for long-haul places. Then, in English (upper-case code) and French
# (lower-case): T/t title phrases, X/x text sentences, N/n product nouns for the deal's generic
# titles; " | " separates phrases, a repeated code adds more. Slots: {B} brand, {m} model,
# {c} destination city, {k} its country, {o} departure city, {e} destination by train, {s} ski
# resort, {b} beach or island, {r} region, {l} home town, {g} a language (French: "l'anglais")
# and {j} its French "de" form ("d'anglais"), {p} price, {p:40} a fixed amount, {d} a
# discount; [a|b] is a choice and "--" an en dash (Paris--Lisbon). A topic may have several
# kinds.
_VOCAB = """
# ---- Travel & Transportation ----
332 book 199-899 x2.5
T city break in {c}: flight + hotel from {p} | 4-night trip to {c}, {k}, from {p}
T weekend getaway to {c}, hotel and flights included | plan your trip to {c} with a local expert
T {c} in spring: 3 nights with flights from {p} | holidays in {c} and beyond, from {p}
X Flights, a central hotel and a day tour, all in one booking.
X Tailor-made itineraries with 24/7 support while you travel.
X Pay in 3 instalments, free changes up to 14 days before departure.
X Hand-picked hotels, airport transfers and a local guide for your first day.
X A guided visit of {h} is included. | See {c} on foot, by tram or by bike.
X Plan your {c} trip in minutes: flights, hotel and tours.
t city break à {c} : vol + hôtel dès {p} | séjour de 4 nuits à {c} dès {p}
t escapade d'un week-end à {c}, vol et hôtel compris
t préparez votre voyage à {c} avec un expert local
t {c} au printemps : 3 nuits avec vols dès {p} | vacances à {c} et alentours dès {p}
x Vols, hôtel central et excursion : tout en une seule réservation.
x Itinéraires sur mesure et assistance 24 h/24 pendant votre voyage.
x Paiement en 3 fois, modifications gratuites jusqu'à 14 jours avant le départ.
x Hôtels sélectionnés, transferts aéroport et un guide local le premier jour.
x Visite guidée incluse : {h}. | {c} à pied, en tram ou à vélo.
x Votre voyage à {c} en quelques clics : vols, hôtel et visites.
334 book 39-199 x4 @Air
T {o}--{c} return flights from {p} | cheap flights to {c} from {p}
T nonstop flights to {c}, {p} return
T flights to {c}: spring sale, fares from {p} | {o} to {c} from {p} one way, cabin bag included
X Cabin bag included and free seat selection.
X Daily nonstop flights, no hidden fees.
X Flexible tickets with free date changes.
X Low-cost fares, 23 kg checked bag as an option.
X Fly from {o} to {c} in comfort, with extra legroom seats.
X Land in {c} in time for lunch. | Fares to {c} drop every Tuesday: set a price alert.
t vols {o}--{c} aller-retour dès {p} | vols pas chers pour {c} dès {p}
t vols directs pour {c}, {p} l'aller-retour | vols pour {c} : promos de printemps dès {p}
t {o}--{c} dès {p} l'aller simple, bagage cabine inclus
x Bagage cabine inclus et choix du siège offert.
x Vols directs quotidiens, sans frais cachés.
x Billets flexibles, changement de date gratuit.
x Tarifs low cost, bagage en soute de 23 kg en option.
x Atterrissez à {c} à temps pour le déjeuner.
x Alerte prix : soyez prévenu dès que les vols pour {c} baissent.
335 book 99-299 x2
T business travel management for growing teams | corporate hotel rates in {c}
T business travel to {c}: corporate rates and expense reports in one app
X One invoice, your travel policy built in and 24/7 support.
X Flexible fares and meeting-friendly hotels close to the business district.
X Preferred rates with 300 hotels in {c}.
t gestion des voyages d'affaires pour les équipes | tarifs hôtels entreprise à {c}
t déplacements professionnels à {c} : tarifs entreprise et notes de frais dans une appli
x Une seule facture, votre politique voyage intégrée, assistance 24 h/24.
x Tarifs flexibles et hôtels proches du quartier d'affaires.
x Tarifs négociés avec 300 hôtels à {c}.
336 book 19-69 x1.5
T rent a car in {c}: rentals from {p}/day | car rental at {c} airport, unlimited mileage
T car hire in {r} from {p}/day | one-way car rentals with free cancellation
T rent a car for your road trip in {r}, from {p} a day | rent a car in {c} for a road trip
X Free cancellation and no deposit on debit cards.
X Pick up at the airport, drop off in the city centre.
X Electric and hybrid rental cars, child seats on request.
X Unlimited mileage and a second driver at no extra cost.
X Car rental with unlimited mileage for your road trip.
X Explore {c} and its coast at your own pace.
t location de voiture à {c} : louez dès {p}/jour | louez une voiture à {c}, retrait à l'aéroport
t road trip {r} : location de voiture dès {p}/jour | location aller simple, annulation gratuite
t louez une voiture pour votre roadtrip {r}, dès {p} par jour
x Location de voiture sans caution, annulation gratuite.
x Retrait à l'aéroport, retour en centre-ville.
x Voitures de location électriques et hybrides, sièges enfant sur demande.
x Kilométrage illimité et conducteur supplémentaire offert.
x Découvrez {c} et ses environs à votre rythme.
337 book 499-2499
T Mediterranean cruise from {p}: 7 nights, 5 ports | river cruise on the Danube and the Rhine
T Caribbean cruises with all meals included | charter a catamaran in {b}, skipper included
T Norwegian fjords cruise, 8 nights from {p}
X Ocean-view cabins, shore excursions and a kids' club.
X Yacht charters with skipper, by the week.
X Sail around {b} and anchor in quiet coves.
X All-inclusive cruising: drinks, shows and a spa on board.
t croisière en Méditerranée dès {p} : 7 nuits, 5 escales
t croisière fluviale sur le Danube et le Rhin
t croisières aux Caraïbes en pension complète | louez un catamaran {b}, skipper compris
t croisière dans les fjords de Norvège, 8 nuits dès {p}
x Cabines vue mer, excursions aux escales et club enfants.
x Location de yachts avec skipper, à la semaine.
x Naviguez {b} et jetez l'ancre dans des criques tranquilles.
x Croisière tout compris : boissons, spectacles et spa à bord.
338 book 399-1499 x2
T family holidays in {b}: kids stay free | family rooms and kids' clubs in {c}
T family holiday in {c}: apartment + theme park tickets from {p}
X Cots, family suites and activities for every age.
X Kids under 12 stay and eat free in July.
X Family days out in {c}: parks, museums and ice cream.
X Kids' pools and sandy beaches in {b}.
t vacances en famille {b} : gratuit pour les enfants | chambres familiales et club enfants à {c}
t vacances en famille à {c} : appartement + parc d'attractions dès {p}
x Lits bébé, suites familiales et activités pour tous les âges.
x Gratuit pour les moins de 12 ans en juillet.
x Sorties en famille à {c} : parcs, musées et glaces.
x Piscines pour enfants et plages de sable {b}.
340 book 49-199 x1.8
T boutique rooms in central {c} from {p}/night | {c} design hotel: doubles from {p}
T family-run guesthouse in {c}, from {p}/night | cheap hotels in {c} from {p} a night
T a cheap hotel in {c}? Doubles from {p}
T {B} {c}: rooftop hotel in the old town | hostel dorms and private rooms in {c} from {p}
T hotel in {c} near the [old town|river|main station], from {p}/night
X Rooftop terrace, breakfast included and free cancellation.
X Steps from the metro, with a 24-hour reception.
X Quiet rooms, fast Wi-Fi and late checkout on request.
X Book direct for the best rate and a welcome drink.
X Our {c} hotel is close to the trams and the old town.
X Walk to the sights, the cafés and the riverside.
X A short walk from {h}. | {h} is five minutes away on foot. | The best base for exploring {c}.
t hôtel de charme au cœur de {c} dès {p}/nuit | hôtel design à {c} : chambre double dès {p}
t hôtel familial à {c}, dès {p}/nuit | hôtel pas cher à {c} dès {p} la nuit
t un hôtel pas cher à {c} ? Chambres dès {p} | {B} {c} : hôtel avec rooftop dans la vieille ville
t hôtel et auberge de jeunesse à {c} : chambres privées et dortoirs dès {p}
x Rooftop, petit-déjeuner inclus et annulation gratuite.
x À deux pas du métro, réception 24 h/24.
x Chambres calmes, Wi-Fi rapide et départ tardif sur demande.
x Réservez en direct pour le meilleur tarif.
x Notre hôtel à {c} est proche du tram et de la vieille ville.
x Les monuments, les cafés et les quais à pied.
x {h} à cinq minutes à pied. | Idéal pour découvrir {c} à pied.
622 book 59-249 x1.5
T apartments and villas in {c} for short stays, from {p}/night
T villas with pool in {b} from {p}/night
T cottages and farmhouses in {r}, from {p}/night | holiday apartment in {c}'s old town, sleeps 4
T mountain chalets and cabins in {r} for the summer
X Self check-in, a fully equipped kitchen and weekly discounts.
X Hand-picked holiday homes with verified reviews.
X Pets welcome in most cottages and villas.
X Private pools and sea views in {b}.
X Walks, markets and vineyards in {r}.
X Stay like a local in {c}, a short walk from {h}.
t appartements et villas à {c} pour courts séjours, dès {p}/nuit
t villas avec piscine {b} dès {p}/nuit
t gîtes et cottages {r} dès {p}/nuit | location de vacances à {c}, centre historique, 4 couchages
t chalets et cabanes {r} pour l'été
x Arrivée autonome, cuisine équipée et remises à la semaine.
x Locations de vacances sélectionnées, avis vérifiés.
x Animaux bienvenus dans la plupart des gîtes et villas.
x Piscine privée et vue mer {b}.
x Balades, marchés et vignobles {r}.
x Vivez {c} comme un habitant : {h} à deux pas.
341 book 19-149
T {o}--{e} trains from {p} | rail passes for Europe: 7 travel days in a month
T overnight sleeper trains to {e} | intercity buses to {e} from {p}, Wi-Fi on board
X City centre to city centre: skip the airport queues.
X Seat reservations, couchettes and bikes on board.
X Railcard holders save a third on every ticket.
X Arrive in central {e} rested, without the airport.
t {o}--{e} : trains dès {p} | pass ferroviaire Europe : 7 jours de voyage sur un mois
t trains de nuit pour {e}, en couchette | autocars longue distance pour {e} dès {p}, Wi-Fi à bord
x De centre-ville à centre-ville, sans passer par l'aéroport.
x Réservation de sièges, couchettes et vélos à bord.
x Avec la carte de réduction, un tiers de moins sur chaque billet.
x Arrivez au cœur de {e} reposé, sans passer par l'aéroport.
343 shop 39-299
T {B} {m} carry-on suitcase, 2.9 kg | hard-shell suitcases from {p}
T packing cubes, travel adapters and neck pillows | luggage sets with a 10-year warranty
X 10-year warranty, fits every airline's cabin size.
X Silent wheels, TSA lock and a laptop pocket.
t valise cabine {B} {m}, 2,9 kg | valises rigides dès {p}
t cubes de rangement, adaptateurs et coussins de voyage | lots de bagages garantis 10 ans
x Garantie 10 ans, format cabine accepté par toutes les compagnies.
x Roulettes silencieuses, cadenas TSA et poche ordinateur.
623 shop 39-199
T {B} {m} 40 L travel backpack | travel backpacks and duffel bags from {p}
X Carry-on size, padded laptop sleeve and lockable zips.
t sac à dos de voyage {B} {m}, 40 L | sacs à dos de voyage et sacs polochons dès {p}
x Format cabine, poche ordinateur rembourrée et zips verrouillables.
624 book 390-1900 x1.5
T five-star hotels in {c} with private transfers | luxury villas in {b} with butler service
T a suite in {c}: spa, fine dining and a chauffeur, from {p}/night
X Suites, spa access and tailor-made experiences.
X Private guides, tables at the best restaurants and first-class flights.
X The finest suites in {c}, with a view over {h}.
X Overwater villas and private beaches in {b}.
t hôtels cinq étoiles à {c} avec transferts privés | villas de luxe {b} avec majordome
t une suite à {c} : spa, gastronomie et chauffeur, dès {p}/nuit
x Suites, accès au spa et expériences sur mesure.
x Guides privés, tables étoilées et vols en première.
x Les plus belles suites à {c}, vue sur {h}.
x Villas sur pilotis et plages privées {b}.
625 book 89-399
T ski chalets in {s} from {p}/night | ski-in ski-out lodge in {s}, lift pass included
T a week of skiing in {s}: chalet + lift pass from {p} | mountain lodges in {s} for summer hikes
X Ski-in ski-out, with a sauna and a ski room.
X Half board, ski hire and lessons bookable with your stay.
X The slopes of {s} right from your door.
t chalets au ski à {s} dès {p}/nuit | résidence au pied des pistes à {s}, forfait inclus
t une semaine de ski à {s} : chalet + forfait dès {p} | refuges et lodges à {s} pour l'été
x Skis aux pieds, sauna et local à skis.
x Demi-pension, location de skis et cours réservables avec le séjour.
x Les pistes de {s} au pied du chalet.
626 book 99-999 x2
T travel agency: tailor-made trips to {c} | holiday planning by local experts
T honeymoon and anniversary trips to {b}, planned for you
X Visas, transfers and travel insurance handled for you.
X A real travel adviser, before and during your trip.
X Your {c} itinerary, planned by someone who lives there.
t agence de voyages : voyages sur mesure à {c} | vacances organisées par des experts locaux
t voyages de noces {b}, organisés pour vous
x Visas, transferts et assurance pris en charge.
x Un vrai conseiller voyage, avant et pendant votre séjour.
x Votre itinéraire à {c}, préparé par un habitant.
627 book 490-2490 x1.5
T guided tour of {r}: 8 days from {p} | escorted small-group tours around {c}
T walking holidays in {r} with a guide and luggage transfers
X Expert guides, hand-picked hotels and groups of 12 at most.
X Breakfasts, entry tickets and transfers included.
X Small towns, vineyards and viewpoints across {r}.
X Day trips from {c} with an expert guide.
t circuit guidé {r} : 8 jours dès {p} | circuits accompagnés en petit groupe autour de {c}
t randonnées accompagnées {r} avec transport des bagages
x Guides experts, hôtels choisis, groupes de 12 personnes maximum.
x Petits-déjeuners, entrées et transferts inclus.
x Villages, vignobles et panoramas {r}.
x Excursions depuis {c} avec un guide expert.
628 book 15-89
T {c} walking tours from {p} | {c} food tour with tastings | day trips from {c}, skip-the-line
T hop-on hop-off bus in {c}, 24-hour pass {p} | boat tour of {c} at sunset
X Local guides, small groups and free cancellation.
X Skip-the-line tickets for the museums and monuments.
X From {h} to hidden corners only locals know.
t visites guidées à pied à {c} dès {p} | balade gourmande à {c} avec dégustations
t excursions à la journée depuis {c}, billets coupe-file | bus touristique à {c}, pass 24 h à {p}
x Guides locaux, petits groupes, annulation gratuite.
x Billets coupe-file pour les musées et monuments.
x {h} et les adresses que seuls les habitants connaissent.
629 book 199-899 x2
T last-minute holidays to {b} from {p} | all-inclusive deals in {b}, 7 nights from {p}
T spring holiday offers: {d} off city breaks to {c} | package holidays to {b}, flights included
X Flights, transfers and hotel included.
X Deposits from {p:50} per person, balance 6 weeks before.
X Sunshine all year round in {b}.
X Flights and a central hotel in {c}, all in one price.
t vacances de dernière minute {b} dès {p} | formules tout compris {b}, 7 nuits dès {p}
t offres de printemps : -{d} sur les city breaks à {c} | séjours {b}, vols inclus
x Vols, transferts et hôtel inclus.
x Acompte dès {p:50} par personne, solde 6 semaines avant.
x Du soleil {b} toute l'année.
x Vols et hôtel central à {c}, tout compris.
345 book 79-349 x2
T beachfront hotels in {b} from {p}/night | island escapes to {b}: 10 days from {p}
T seaside apartments in {b}, steps from the beach | beach holidays in {b} for the summer
X Sea views, sunbeds and snorkelling from the beach.
X Quiet coves, sandy beaches and a pool bar.
X The best beaches in {b}, a short walk away.
t hôtels en bord de plage {b} dès {p}/nuit | escapade insulaire {b} : 10 jours dès {p}
t appartements face à la mer {b}, à deux pas de la plage | vacances à la plage {b} cet été
x Vue mer, transats et snorkeling depuis la plage.
x Criques tranquilles, plages de sable et bar de piscine.
x Les plus belles plages {b}, à quelques pas.
# ---- Arts & Entertainment ----
1 event 9-35
T the new [sculpture|painting|photography] exhibition: tickets from {p}
T annual museum pass from {p}
T late-night gallery openings every Thursday | museum membership with free entry all year
X Skip the queue with timed museum tickets.
X Guided tours of the exhibition, talks with curators and artists.
X Members' previews of every new exhibition.
t nouvelle exposition de [sculpture|peinture|photographie] : billets dès {p}
t pass musées annuel dès {p}
t nocturnes à la galerie tous les jeudis | carte de membre du musée, entrée libre toute l'année
x Billets coupe-file pour le musée et l'exposition.
x Visites guidées de l'exposition, rencontres avec les artistes et les commissaires.
x Vernissages réservés aux membres.
350 media 3-9
T celebrity news app, free for 30 days | the weekly showbiz podcast
T red-carpet gossip every morning
X Hollywood news, Oscars predictions and celebrity interviews.
X Exclusive interviews with the stars, without the paparazzi.
t l'appli people : 30 jours offerts | le podcast hebdo des célébrités
t potins du tapis rouge chaque matin
x Potins, tapis rouge et interviews de vedettes.
x Toute l'actualité des célébrités, d'Hollywood aux Oscars.
351 shop 9-39
T manga box sets from {p} | graphic novels and comics: {d} off this week
T anime figurines and cosplay accessories | superhero comics and webcomics in print
X New manga volumes every Friday.
X Signed editions, rare comics and collector's box sets.
X Cosplay wigs, props and convention kits.
t coffrets manga dès {p} | BD et romans graphiques : -{d} cette semaine
t figurines anime et accessoires de cosplay | comics de superhéros et webtoons en version papier
x Nouveaux tomes de manga chaque vendredi.
x Éditions dédicacées, BD rares et coffrets collector.
x Perruques, accessoires et kits de cosplay pour les conventions.
352 event 10-60
T this weekend's best events in {l}, tickets from {p} | concerts, shows and markets near you
X Every gig, play and festival in one what's-on guide.
X Listings, tickets and reminders for events near you.
t tous les événements du week-end à {l}, billets dès {p}
t concerts, spectacles et marchés près de chez vous
x L'agenda des sorties : concerts, théâtre et festivals.
x Agenda, billets et rappels pour les événements près de chez vous.
353 food 8-25
T cocktail bar in {l}: happy hour from 6 to 8pm | speakeasy cocktails from {p}
T club nights every Friday and Saturday | rooftop bar with DJs and mocktails
X Mixology masterclasses with our head bartender.
X Mocktails, craft beer and a late-night DJ.
X Book a table for the best nightlife in town.
t bar à cocktails à {l} : happy hour de 18 h à 20 h | cocktails de speakeasy dès {p}
t soirées clubbing tous les vendredis et samedis | bar en rooftop avec DJ et mocktails
x Ateliers de mixologie avec notre barman.
x Mocktails, bières artisanales et DJ jusqu'au bout de la nuit.
x Réservez votre table pour la meilleure soirée de la ville.
4 event 35-220
T summer music festival: 3-day passes from {p} | concert tickets for this season's biggest tours
T open-air festival with camping, early-bird passes at {p} | jazz festival by the lake
X Headliners, backstage tours and VIP passes.
X Concert tickets for rock, jazz and electro gigs in {l}.
X Festival passes with camping and shuttle buses.
t festival d'été : pass 3 jours dès {p} | billets de concert pour les grandes tournées de la saison
t festival en plein air avec camping, pass early bird à {p} | festival de jazz au bord du lac
x Têtes d'affiche, visites backstage et pass VIP.
x Concerts à {l} toute l'année : rock, jazz et électro.
x Pass festival avec camping et navettes.
354 event 15-120
T tickets for concerts, theatre and sport, from {p} | resale tickets with buyer protection
T last-minute tickets for tonight's shows
X Official e-tickets, delivered straight to your phone.
X Seat maps, price alerts and secure resale.
t billets de concert, théâtre et sport dès {p} | revente de billets sécurisée
t billets de dernière minute pour les spectacles de ce soir
x E-billets officiels, envoyés directement sur votre téléphone.
x Plans de salle, alertes prix et revente sécurisée.
355 event 15-90
T trade show passes for the spring expo | comic and gaming convention tickets from {p}
T exhibitor stands at the home and design expo
X Hundreds of exhibitors, talks and workshops.
X Early-bird badges and fast-track entry.
t badges pour le salon professionnel de printemps
t billets pour la convention BD et jeux vidéo dès {p}
t stands exposants au salon maison et déco
x Des centaines d'exposants, de conférences et d'ateliers.
x Badges early bird et entrée coupe-file.
356 event 9-150
T film festival passes from {p} | short film festival: screenings all week
T accreditation for the international film festival
X Premieres, Q&As with directors and late-night screenings.
X Day passes or full festival accreditation.
t pass festival de cinéma dès {p} | festival du court métrage : projections toute la semaine
t accréditation au festival international du film
x Avant-premières, rencontres avec les réalisateurs et séances de minuit.
x Pass journée ou accréditation complète.
357 event 15-85
T street food festival tickets from {p} | wine and cheese tasting evenings
T chocolate fair: tasting passes from {p}
X Tastings, chef demos and local producers.
X A food festival weekend with 80 stalls.
t billets pour le festival street food dès {p} | soirées dégustation vins et fromages
t salon du chocolat : pass dégustation dès {p}
x Dégustations, démonstrations de chefs et producteurs locaux.
x Un week-end de festival gourmand avec 80 stands.
9 event 25-180
T match tickets from {p}: football, rugby and basketball | hospitality packages for the big game
T season tickets and derby-day seats
X Official stadium tickets and VIP hospitality.
X Seats behind the goal or on the halfway line.
t billets de match dès {p} : football, rugby et basket | loges et hospitalités pour le grand match
t abonnements saison et places pour le derby
x Billets officiels pour le stade et prestations VIP.
x Places en virage ou en tribune centrale.
12 event 8-22
T cinema tickets from {p} | unlimited cinema pass at {p}/month
T blockbuster premieres in IMAX this week | the film club: classic movies every Sunday
X Reserve seats online and skip the queue at the multiplex.
X Premiere screenings, director Q&As and cult films.
t places de cinéma dès {p} | carte cinéma illimitée à {p}/mois
t avant-premières en IMAX cette semaine | le ciné-club : films cultes chaque dimanche
x Réservez votre fauteuil en ligne et évitez la file au multiplexe.
x Avant-premières, rencontres avec les réalisateurs et films cultes.
13 media 4-20
N action and adventure films on demand | action movie box sets on Blu-ray
n films d'action et d'aventure à la demande | coffrets Blu-ray de films d'action
15 media 4-20
N comedy films to stream tonight | comedy film box sets
n comédies à voir en streaming ce soir | coffrets de films comiques
18 media 4-20
N award-winning drama films on demand | drama film box sets
n drames primés à la demande | coffrets de films dramatiques
19 media 4-20
N family films for movie night | animated family movies on Blu-ray
n films familiaux pour la soirée ciné | films d'animation familiaux en Blu-ray
20 media 4-20
N horror films to stream | horror movie marathons
n films d'horreur en streaming | marathons de films d'horreur
21 media 4-20
N romance films and romantic comedies on demand
n films romantiques et comédies romantiques à la demande
358 media 4-20
N science fiction and fantasy films in 4K | sci-fi film collections
n films de science-fiction et de fantasy en 4K | collections de films de SF
23 sub 5-15
T music streaming: first month free | hi-res music streaming at {p}/month
T vinyl records and new albums from {p:19} | playlists made by real DJs
X Millions of songs, curated playlists and lyrics.
X Jazz, rap, techno and classical albums in lossless quality.
t streaming musical : premier mois offert | musique hi-res en streaming à {p}/mois
t vinyles et nouveaux albums dès {p:19} | des playlists faites par de vrais DJ
x Des millions de chansons, des playlists et les paroles.
x Albums jazz, rap, techno et classique en qualité lossless.
24 media 15-45
N blues vinyl reissues | blues guitar songbooks
n vinyles de blues réédités | recueils de blues pour guitare
25 event 15-75
N classical music concerts and recordings | symphony orchestra season tickets
n concerts et enregistrements de musique classique | abonnements à l'orchestre symphonique
26 media 12-40
N country music albums and tour tickets
n albums et concerts de musique country
27 media 12-40
N electronic music records and DJ sets | techno and house compilations
n vinyles de musique électronique et sets de DJ | compilations techno et house
28 media 12-40
N folk and traditional music albums | folk festival passes
n albums de musique folk et traditionnelle | pass pour le festival folk
29 event 15-45
N jazz records and live jazz club nights
n disques de jazz et soirées en club de jazz
31 media 12-40
N pop albums, merch and concert tickets
n albums pop, merch et billets de concert
32 media 12-40
N rap and hip-hop vinyl, merch and tickets
n vinyles rap et hip-hop, merch et billets
33 media 12-40
N rock albums on vinyl and rock concert tickets
n albums rock en vinyle et billets de concerts rock
36 media 12-40
N indie and alternative records from independent labels
n disques indé et alternatifs de labels indépendants
360 media 12-40
N metal albums, band shirts and festival passes
n albums de metal, t-shirts de groupes et pass festival
359 shop 199-1499
T DJ controllers from {p} | {B} {m} four-deck DJ controller
T DJ mixers, turntables and booth monitors
X Beginner DJ packs with software and tutorials.
X Mixers, turntables and monitors, tested in our DJ booth.
t contrôleurs DJ dès {p} | contrôleur DJ {B} {m} quatre decks
t tables de mixage, platines et enceintes de monitoring
x Packs DJ débutant avec logiciel et tutoriels.
x Tables de mixage, platines et enceintes testées dans notre cabine DJ.
30 shop 89-899
T acoustic guitars from {p} | digital pianos with weighted keys, from {p}
T {B} {m} synthesizer | starter violins, ukuleles and drum kits
X Free setup on every guitar, plus a gig bag.
X Rent-to-own pianos and violins for students.
X Music lessons included with every instrument.
t guitares acoustiques dès {p} | pianos numériques à toucher lourd, dès {p}
t synthétiseur {B} {m} | violons, ukulélés et batteries pour débuter
x Réglage offert sur chaque guitare, housse incluse.
x Location-vente de pianos et violons pour les élèves.
x Cours de musique offerts avec chaque instrument.
361 event 15-80
T theatre tickets for this season's plays, from {p} | ballet and opera season tickets
T stand-up comedy nights at the cabaret
X Stalls, circle or balcony: choose your seat.
X Backstage tours and talks with the dancers.
t places de théâtre pour la saison, dès {p} | abonnements ballet et opéra
t soirées humoristes au cabaret
x Orchestre, corbeille ou balcon : choisissez votre place.
x Visites des coulisses et rencontres avec les danseurs.
362 event 39-179
T musical tickets from {p} | Broadway shows: matinee seats from {p}
T the season's hit musicals, best seats in the house
X Matinee and evening performances of the hit musicals.
X Dinner-and-show packages.
t billets de comédie musicale dès {p} | spectacles de Broadway : matinées dès {p}
t les comédies musicales à succès de la saison, meilleures places
x Matinées et soirées des comédies musicales à succès.
x Formules dîner et spectacle.
363 sub 6-18
T TV streaming: series and films from {p}/month | TV box with 200 channels and replay
T docuseries, sitcoms and miniseries on demand
X New episodes every week, no ads on premium.
X Live TV and catch-up on every screen.
t télé en streaming : séries et films dès {p}/mois | box TV avec 200 chaînes et replay
t docuséries, sitcoms et mini-séries à la demande
x Nouveaux épisodes chaque semaine, sans pub en premium.
x Télévision en direct et replay sur tous vos écrans.
364 sub 0-15
T live streaming platform for creators | streaming kits: webcam, mic and capture card from {p:149}
T go live in HD on every platform at once
X Multistream to all your channels in one click.
X Low-latency live video with chat and subscriptions.
t plateforme de live streaming pour créateurs
t kits de streaming : webcam, micro et carte d'acquisition dès {p:149}
t diffusez en direct en HD sur toutes les plateformes
x Multistream sur toutes vos chaînes en un clic.
x Vidéo en direct à faible latence, avec chat et abonnements.
365 sub 5-15
T films and series streaming from {p}/month | 4K film streaming, first month free
T the streaming service for film lovers
X Thousands of films and series, downloadable for offline viewing.
X Family profiles and four screens at once.
t films et séries en streaming dès {p}/mois | streaming de films en 4K, premier mois offert
t le service de streaming des cinéphiles
x Des milliers de films et séries, téléchargeables hors connexion.
x Profils famille et quatre écrans en simultané.
46 sub 5-12
N comedy series and sitcoms to binge
n séries comiques et sitcoms à dévorer
47 sub 5-12
N nature and history documentaries on demand | true-crime docuseries
n documentaires nature et histoire à la demande | docuséries criminelles
48 sub 5-12
N award-winning TV dramas
n séries dramatiques primées
50 sub 5-12
N family TV shows for kids and parents
n séries et émissions pour toute la famille
366 sub 5-12
N TV game shows and quiz shows on replay
n jeux télévisés et quiz en replay
51 sub 5-12
N reality TV shows and talent competitions
n émissions de téléréalité et concours de talents
52 sub 5-12
N sci-fi and fantasy TV series | sci-fi series to stream tonight
n séries de science-fiction et de fantasy | séries de SF à voir en streaming
367 sub 5-12
N late-night talk shows and interviews
n talk-shows et interviews de fin de soirée
53 shop 25-450
T original paintings and art prints from {p} | limited-edition prints by independent artists
T design posters and framed artwork
X Framing service and free delivery on artwork.
X Meet the artists at our gallery openings.
t tableaux originaux et reproductions d'art dès {p} | tirages d'art en édition limitée
t affiches design et œuvres encadrées
x Encadrement sur mesure, livraison offerte.
x Rencontrez les artistes lors de nos vernissages.
368 service 15-40
T architecture walking tours from {p} | architects for house extensions and renovations
T books and guides on modernist architecture
X Meet an architect for a first consultation.
X Planning drawings, permits and 3D renderings.
t visites guidées d'architecture dès {p} | architectes pour extensions et rénovations de maisons
t livres et guides d'architecture moderniste
x Premier rendez-vous avec un architecte.
x Plans, permis de construire et rendus 3D.
56 course 29-199
T digital art courses from {p} | photo editing and digital painting workshops
T drawing tablets for digital artists, from {p}
X Learn illustration, retouching and digital photography.
t cours d'art numérique dès {p} | ateliers de retouche photo et de peinture numérique
t tablettes graphiques pour artistes numériques, dès {p}
x Apprenez l'illustration, la retouche et la photographie numérique.
# ---- Autos & Vehicles ----
57 car 14990-45990
T a new car from {p} | {B} {m} hatchback from {p} | SUV and sedan leasing from {p:249}/month
T test-drive the new {B} {m} this weekend | family cars with 7 seats and a big boot
X Compare new and used cars at our dealerships.
X Free test drives and home delivery of your car.
X Hybrid, electric and petrol models in stock.
X Find your next car: new, used or electric.
t voiture neuve dès {p} | citadine {B} {m} dès {p} | SUV et berlines en LOA dès {p:249}/mois
t essayez la nouvelle {B} {m} ce week-end | voitures familiales 7 places au grand coffre
x Comparez voitures neuves et d'occasion chez nos concessionnaires.
x Essais gratuits et livraison de votre voiture à domicile.
x Modèles hybrides, électriques et essence en stock.
x Trouvez votre prochaine voiture : neuve, d'occasion ou électrique.
57 car 4990-19990
T used cars from {p}, inspected and guaranteed | a reliable used car under {p:10000}
T nearly-new cars from {p} with low mileage
X Every used car is inspected and comes with a 12-month warranty.
X Used cars from trusted dealers, delivered to your door.
t voitures d'occasion dès {p}, contrôlées et garanties
t une voiture d'occasion fiable à moins de {p:10000}
t véhicules récents à faible kilométrage dès {p}
x Chaque voiture d'occasion est contrôlée et garantie 12 mois.
57 car 24990-49990
T electric cars from {p} | a new electric car from {p}: test-drive it this weekend
T hybrid and electric cars with a home charger included
X Every electric car comes with a free home charger.
X Compare the range and charging speed of every electric car.
t voitures électriques dès {p} | une voiture électrique neuve dès {p} : essayez-la ce week-end
t voitures hybrides et électriques avec borne de recharge offerte
x Chaque voiture électrique est livrée avec une borne de recharge offerte.
369 shop 299-2499
T e-bikes from {p} | {B} {m} city bike | gravel and mountain bikes: {d} off
T bike helmets, locks and lights | cargo bikes for the school run
X Free first service and fitting on every bike.
X Cycle-to-work scheme accepted.
X Test-ride our e-bikes and cargo bikes in store.
t vélos électriques dès {p} | vélo de ville {B} {m} | VTT et vélos gravel : -{d}
t casques, antivols et éclairages vélo | vélos cargo pour emmener les enfants
x Première révision et réglage offerts sur chaque vélo.
x Forfait mobilités durables accepté.
x Essayez nos vélos électriques et vélos cargo en magasin.
370 shop 2990-59000
T sailboats and motorboats from {p} | used boats, inspected and ready to sail
T inflatable dinghies and outboard motors
X Marina berths and boat financing available.
X Sea trials every weekend at the marina.
t voiliers et bateaux à moteur dès {p} | bateaux d'occasion révisés, prêts à naviguer
t annexes gonflables et moteurs hors-bord
x Places de port et financement de bateau disponibles.
x Essais en mer tous les week-ends à la marina.
371 shop 29990-89000
T camper vans from {p} | motorhome hire for your road trip, from {p:89}/day
T converted vans with solar panels and a kitchen
X Fully equipped campervans, pick-up in {l}.
X Unlimited mileage on motorhome hire.
t vans aménagés dès {p} | location de camping-car pour votre road trip, dès {p:89}/jour
t fourgons aménagés avec panneau solaire et cuisine
x Vans tout équipés, départ de {l}.
x Kilométrage illimité sur la location de camping-car.
59 car 18000-95000
N classic cars restored to concours condition | vintage car parts and restoration
n voitures de collection restaurées | pièces et restauration de voitures anciennes
X Every classic car comes with its full history and an inspection.
x Chaque voiture de collection est livrée avec son historique complet et une expertise.
372 car 19990-49990
N vans and light commercial vehicles | leased delivery vans for fleets
n utilitaires et camionnettes | utilitaires en location longue durée pour les flottes
X Business leasing with maintenance included.
x Location longue durée pro, entretien inclus.
60 shop 199-4999
N performance tuning and custom exhausts | custom car wraps and body kits
n préparation moteur et échappements sport | covering et kits carrosserie sur mesure
62 car
N new and nearly-new cars of every type | car leasing deals
n voitures neuves et récentes de tous types | offres de location longue durée
63 car 29990-69990
N cars with self-driving and driver-assistance features
n voitures à conduite autonome et aides à la conduite
373 car 14990-24990
N compact cars with low running costs
n voitures compactes économiques
64 car 29990-59990
N convertibles for open-top summer driving
n cabriolets pour rouler cheveux au vent
65 car 29990-69990
N sporty coupes
n coupés sportifs
374 car
N diesel cars and vans with low fuel consumption
n voitures et utilitaires diesel sobres
66 car 14990-27990
N hatchbacks for town and motorway
n compactes à hayon pour la ville et l'autoroute
67 car 24990-44990
N hybrid cars with up to 60 km of electric range
n voitures hybrides jusqu'à 60 km en électrique
375 car 24990-54990
T electric cars from {p} | {B} {m} electric SUV with 450 km of range
T plug-in hybrids with a home charger included | an electric car for the family, from {p}
X A home charging point installed free with every electric car.
X Fast-charging network access included for a year.
t voitures électriques dès {p} | SUV électrique {B} {m}, 450 km d'autonomie
t une voiture électrique familiale dès {p}
t hybrides rechargeables avec borne de recharge offerte
x Borne de recharge installée gratuitement avec chaque voiture électrique.
x Accès au réseau de recharge rapide offert pendant un an.
68 car 49990-119990
N luxury cars and premium saloons
n voitures de luxe et berlines premium
69 car 8990-15990
N microcars and subcompacts for easy city parking
n microcitadines et voitures sans permis
71 car 29990-59990
N 4x4 off-road vehicles and accessories
n 4x4 tout-terrain et équipements
73 car 1499-4999
N electric scooters and mopeds
n scooters électriques et cyclomoteurs
74 car 24990-44990
N family sedans with a big boot
n berlines familiales au grand coffre
376 car 49990-129990
N sports cars and track-day experiences
n voitures de sport et stages de pilotage sur circuit
75 car 24990-42990
N estate cars and station wagons
n breaks familiaux
377 car 29990-59990
N SUVs, pickups and vans
n SUV, pick-up et utilitaires
72 car 34990-64990
N pickup trucks with towing packs
n pick-up avec attelage
76 car 27990-54990
N family SUVs and crossovers
n SUV familiaux et crossovers
78 car 29990-49990
N 7-seat minivans and people carriers
n monospaces 7 places
70 car 3990-19990
T motorcycles from {p} | {B} {m} adventure motorbike | scooters and 125cc bikes
X Free first service and a helmet with every motorbike.
X Biker jackets, gloves and helmets in store.
t motos dès {p} | moto trail {B} {m} | scooters et 125 cm³
x Première révision et casque offerts avec chaque moto.
x Blousons, gants et casques moto en magasin.
81 shop 9-299
T car parts delivered the next day | brake pads, filters and batteries from {p}
T roof boxes, dash cams and car accessories
X Enter your number plate to find parts that fit.
X Free fitting on batteries.
t pièces auto livrées en 24 h | plaquettes de frein, filtres et batteries dès {p}
t coffres de toit, dashcams et accessoires auto
x Saisissez votre immatriculation pour trouver la bonne pièce.
x Montage offert sur les batteries.
378 shop 99-1499
N aftermarket performance parts: turbos, exhausts and suspension
n pièces performance : turbos, échappements et suspensions
379 shop 49-299
T tyres fitted from {p} | winter and all-season tyres: {d} off | alloy wheels and tyre packages
X Book tyre fitting online, balancing included.
X Puncture repair and wheel alignment while you wait.
t pneus montés dès {p} | pneus hiver et 4 saisons : -{d} | jantes alliage et packs pneus
x Réservez le montage de vos pneus en ligne, équilibrage inclus.
x Réparation de crevaison et parallélisme pendant que vous attendez.
82 service 49-299
T car servicing from {p} | brake and gearbox repairs by certified mechanics
T oil change and inspection in one visit to the garage
X Fixed-price servicing by certified mechanics.
X A free courtesy car while yours is in the garage.
t révision auto dès {p} | réparation des freins et de l'embrayage par des mécaniciens certifiés
t vidange et contrôle en une seule visite au garage
x Révisions à prix fixe par des mécaniciens certifiés.
x Véhicule de courtoisie offert pendant votre passage au garage.
83 car 9990-39990
T compare car prices from local dealers | new and used cars from {p} | find a car under {p}
T get a valuation for your car in 2 minutes
X Thousands of cars, dealer reviews and finance quotes.
t comparez les prix des concessionnaires près de chez vous | voitures neuves et d'occasion dès {p}
t estimez votre voiture en 2 minutes
x Des milliers de voitures, des avis sur les concessionnaires et des simulations de crédit.
84 car 4990-24990
T used cars from {p}, inspected and guaranteed | {B} certified used cars with a 12-month warranty
T nearly-new cars with low mileage | a good used car from {p}
X A 150-point inspection on every used car.
X Every used car comes with its full service history.
X Part-exchange welcome, delivery nationwide.
t voitures d'occasion dès {p}, contrôlées et garanties | occasions certifiées {B}, garantie 12 mois
t véhicules récents à faible kilométrage
x Contrôle en 150 points sur chaque voiture d'occasion.
x Reprise possible, livraison partout en France.
# ---- Beauty & Fitness ----
86 shop 12-89
T monthly beauty box from {p} | glam makeovers with a beautician | grooming gift sets
X Skincare, makeup and grooming picks from independent brands.
X Book a makeover with one of our beauticians.
t box beauté mensuelle dès {p} | relooking glamour avec une esthéticienne | coffrets beauté et soin
x Soins, maquillage et produits de marques indépendantes.
x Réservez un relooking avec une de nos esthéticiennes.
380 book 45-160
T spa day for two from {p} | massage, sauna and hammam packages | facial and massage at our day spa
X Gift vouchers for massages and spa days.
X Open late, with online booking.
t journée spa à deux dès {p} | forfaits massage, sauna et hammam | soin du visage et massage au spa
x Bons cadeaux pour massages et journées spa.
x Ouvert tard, réservation en ligne.
381 salon 25-60
N manicures and pedicures | gel nails and nail art
n manucures et pédicures | vernis semi-permanent et nail art
382 course 490-2900
N beauty school courses for estheticians | professional salon equipment
n formations en esthétique et cosmétologie | équipement professionnel pour instituts
88 shop 9-49
T face and body care sets from {p} | vegan body lotions and face creams
T refillable skincare: {d} off your first order
X Gentle formulas, recyclable packaging.
t coffrets soin visage et corps dès {p} | laits corps et crèmes visage vegan
t soins rechargeables : -{d} sur votre première commande
x Formules douces, emballages recyclables.
91 shop 9-49
N clean beauty products with short ingredient lists | fragrance-free clean beauty essentials
n cosmétiques clean aux formules courtes | soins clean sans parfum
383 shop 3-19
N toiletries and mini-size essentials | plastic-free soap bars and toothpaste tablets
n articles de toilette et formats mini | savons solides et dentifrice sans plastique
89 shop 3-15
N aluminium-free deodorants | body sprays and roll-on deodorants
n déodorants sans sels d'aluminium | brumes parfumées et déodorants à bille
92 shop 8-45
T lipsticks, mascara and eyeshadow from {p} | {B} {m} foundation in 40 shades
T makeup sets and brushes: {d} off
X Cruelty-free makeup, with free samples in every order.
X Try shades virtually before you buy.
t rouges à lèvres, mascaras et fards dès {p} | fond de teint {B} {m} en 40 teintes
t kits de maquillage et pinceaux : -{d}
x Maquillage cruelty-free, échantillons offerts à chaque commande.
x Essayez les teintes virtuellement avant d'acheter.
94 shop 29-129
T perfumes and colognes from {p} | {B} {m} eau de parfum, 50 ml
T niche fragrances: oud, musk and sandalwood
X Free samples and gift wrapping.
X Find your fragrance with our perfumery quiz.
t parfums et eaux de Cologne dès {p} | eau de parfum {B} {m}, 50 ml
t parfums de niche : oud, musc et santal
x Échantillons et emballage cadeau offerts.
x Trouvez votre parfum grâce au quiz de notre parfumerie.
385 shop 9-49
T moisturisers and serums from {p} | {B} {m} hyaluronic serum | gentle cleansers and nail care kits
X Fragrance-free formulas for every skin type.
X Refill pouches for every moisturizer.
t crèmes hydratantes et sérums dès {p} | sérum à l'acide hyaluronique {B} {m}
t nettoyants doux et kits de soin des ongles
x Formules sans parfum pour tous les types de peau.
x Recharges disponibles pour chaque crème hydratante.
90 shop 5-29
N bath bombs, shower gels and body scrubs
n bombes de bain, gels douche et gommages pour le corps
386 shop 9-49
N face creams, cleansers and serums
n crèmes visage, nettoyants et sérums
93 shop 5-29
N nail polish, gel kits and cuticle oils
n vernis à ongles, kits gel et huiles pour cuticules
387 shop 7-29
N SPF 50 sunscreen and after-sun lotions | self-tanning lotions
n crèmes solaires SPF 50 et après-soleil | autobronzants
388 shop 9-149
N wax strips, epilators and hair removal creams
n bandes de cire, épilateurs et crèmes dépilatoires
95 shop 19-149
T {B} {m} electric shaver | razor blades delivered every month from {p:9}
N electric shavers and safety razors
t rasoir électrique {B} {m} | lames de rasoir livrées chaque mois dès {p:9}
n rasoirs électriques et rasoirs de sûreté
96 shop 29-199
T new-season outfits from {p} | personal stylist sessions online
T streetwear and chic basics: {d} off
X Free styling advice with every order.
X A new lookbook every week.
t tenues de la nouvelle saison dès {p} | séances avec une styliste en ligne
t streetwear et basiques chic : -{d}
x Conseils de style offerts avec chaque commande.
x Un nouveau lookbook chaque semaine.
97 sub 19-49
T gym membership from {p}/month | dumbbells, kettlebells and home gym gear
T {B} {m} smartwatch for your workouts | fitness classes: HIIT, cardio and weightlifting
X Gym classes included: cardio, HIIT and weightlifting.
X A free personal training session when you join.
t abonnement en salle de sport dès {p}/mois | haltères, kettlebells et matériel de musculation
t montre connectée {B} {m} pour vos entraînements | cours de fitness : HIIT, cardio et musculation
x Cours de cardio, de HIIT et de musculation inclus.
x Une séance de coaching offerte à l'inscription.
389 shop 29-999
T treadmills and exercise bikes from {p} | adjustable dumbbells, kettlebells and benches
T {B} {m} rowing machine
X Free delivery and assembly on home gym equipment.
t tapis de course et vélos d'appartement dès {p} | haltères réglables, kettlebells et bancs
t rameur {B} {m}
x Livraison et montage offerts sur le matériel de fitness.
390 shop 79-449
T fitness trackers and smartwatches from {p} | {B} {m} GPS sports watch
T smart scales and chest-strap sensors
X Tracks workouts, sleep and steps, with a week of battery.
t bracelets d'activité et montres connectées dès {p} | montre GPS {B} {m}
t balances connectées et ceintures capteurs
x Suivi des séances, du sommeil et des pas, une semaine d'autonomie.
391 service 35-70
N personal trainers and coaching sessions | online fitness coaching plans
n coachs sportifs à domicile | programmes de coaching fitness en ligne
392 sub 19-59
N gyms with a pool and classes | 24/7 gym memberships
n salles de sport avec piscine et cours | abonnements salle de sport 24 h/24
393 sub 9-29
N HIIT classes and bootcamps | 20-minute HIIT workouts at home
n cours de HIIT et bootcamps | séances de HIIT de 20 minutes à la maison
394 course 12-25
T yoga classes from {p} | pilates reformer studio: first class free
T yoga and pilates online, from {p}
X Yoga classes for every level: vinyasa, hatha and yin.
X Yoga and pilates online, on demand.
t cours de yoga dès {p} | studio de pilates reformer : premier cours offert
t yoga et pilates en ligne dès {p}
x Vinyasa, hatha et yin yoga pour tous les niveaux.
x Yoga et pilates en ligne, à la demande.
99 salon 25-80
T haircut and blow-dry from {p} | balayage and colour at our salon
T {B} {m} hairdryer and straightener
X Book your hairdresser online, open on Sundays.
X Barbershop appointments for beard trims and haircuts.
t coupe et brushing dès {p} | balayage et coloration au salon | sèche-cheveux et lisseur {B} {m}
x Réservez votre coiffeur en ligne, ouvert le dimanche.
x Barbier : coupe et taille de barbe sur rendez-vous.
395 shop 6-29
N sulfate-free shampoos and conditioners | solid shampoo bars
n shampoings et après-shampoings sans sulfates | shampoings solides
# ---- Books & Literature ----
100 media 8-25
T bestselling novels from {p} | new fiction and memoirs with free delivery
T the bookshop's summer reading list | {B} e-reader with a glare-free screen
X An independent bookshop with staff picks and signed books.
X Bestselling novels, thrillers and memoirs in paperback and ebook.
X Book club picks and author events every month.
t romans à succès dès {p} | nouveautés romans et mémoires, livraison offerte
t la sélection lecture d'été de la librairie | liseuse {B} à écran antireflet
x Librairie indépendante : coups de cœur des libraires et livres dédicacés.
x Livres de poche, grands formats et ebooks.
x Club de lecture et rencontres d'auteurs chaque mois.
396 sub 9-15
T audiobooks: first month free | unlimited audiobooks from {p}/month
X Thrillers, memoirs and classics read by great narrators.
t livres audio : premier mois offert | livres audio illimités dès {p}/mois
x Polars, mémoires et classiques lus par de grands comédiens.
397 shop 5-25
N books, ebooks and e-readers | second-hand books in good condition
n livres, ebooks et liseuses | livres d'occasion en bon état
101 media 6-19
N children's books and picture books | bedtime story collections
n livres pour enfants et albums illustrés | recueils d'histoires du soir
398 sub 0-5
N fan fiction writing communities and apps
n plateformes d'écriture de fanfictions
399 media 9-35
N literary classics in clothbound editions
n classiques de la littérature en éditions reliées
400 sub 3-9
N magazine subscriptions | unlimited digital magazines
n abonnements magazines | magazines numériques en illimité
102 media 9-22
T poetry collections and anthologies from {p} | open-mic poetry nights
X New poets, sonnets and haiku from small presses.
t recueils de poésie et anthologies dès {p} | scènes ouvertes de poésie
x Nouveaux poètes, sonnets et haïkus des petites maisons d'édition.
401 course 29-299
N creative writing courses and manuscript editing | writing software for novelists
n ateliers d'écriture et correction de manuscrits | logiciels d'écriture pour romanciers
# ---- Business & Industrial ----
103 service 99-999
T industrial supplies at wholesale prices for manufacturers | warehouse logistics and forklift hire
T maintenance contracts for factory machinery
X B2B accounts with 30-day payment terms.
X Same-day dispatch from our warehouse.
t fournitures industrielles à prix de gros pour les fabricants
t logistique d'entrepôt et location de chariots élévateurs
t contrats de maintenance pour les machines d'usine
x Comptes pro avec paiement à 30 jours.
x Expédition le jour même depuis notre entrepôt.
104 service 490-2990
T SEO and PPC campaigns for small businesses | branding and copywriting agency
T billboard and digital advertising packages from {p}
X A free marketing audit of your website.
X Lead generation with clear reporting.
t campagnes SEO et publicité en ligne pour les PME | agence de branding et de copywriting
t packs affichage et publicité digitale dès {p}
x Audit marketing offert pour votre site.
x Prospection et génération de leads avec un reporting clair.
402 shop 9-499
N timber, cement and insulation for builders | building materials delivered to site
n bois, ciment et isolants pour les pros du bâtiment | matériaux de construction livrés sur chantier
403 money
N business bank accounts and invoice financing
n comptes pro et affacturage
113 money
N business loans for equipment and expansion
n prêts professionnels pour l'équipement et le développement
404 service 99-990
N outsourced business services: reception, IT and admin
n services aux entreprises : accueil, informatique et administration
405 service 990-9990
N corporate events, seminars and team-building days
n événements d'entreprise, séminaires et journées de team building
406 service 199-1990
N fire alarm installation and security guards for businesses
n installation d'alarmes incendie et agents de sécurité pour entreprises
407 sub 9-29
T card terminals from {p}/month | an online payment gateway for your shop
N card payment terminals and online checkout
t terminaux de paiement dès {p}/mois | paiement en ligne pour votre boutique
n terminaux de paiement et paiement en ligne
408 shop 2-49
T office supplies delivered the next day | printer toner and ink cartridges from {p}
T stationery, binders and whiteboards for the office
X Business accounts save {d} on stationery.
t fournitures de bureau livrées en 24 h | toners et cartouches d'encre dès {p}
t papeterie, classeurs et tableaux blancs pour le bureau
x Comptes pro : -{d} sur la papeterie.
409 shop 149-899
N ergonomic office chairs and standing desks
n chaises de bureau ergonomiques et bureaux assis-debout
410 service 49-990
N shop signs, banners and vinyl lettering
n enseignes, banderoles et lettrage adhésif
411 service 990-9990
N building contractors and construction project management
n entreprises générales du bâtiment et maîtrise d'œuvre
412 service 19-99
N business card, flyer and poster printing
n impression de cartes de visite, de flyers et d'affiches
413 service 490-4990
N wedding and event planners | party planning and venue hire
n organisateurs de mariages et d'événements | organisation de fêtes et location de salles
414 shop 49-1990
N restaurant supplies and catering equipment
n fournitures et équipements pour la restauration
415 shop 99-4990
N industrial pumps, compressors and steel stock
n pompes industrielles, compresseurs et aciers
416 shop 9-99
N safety boots, hi-vis vests and hard hats
n chaussures de sécurité, gilets haute visibilité et casques de chantier
417 service 290-1990
T house removals from {p} | movers with a packing service | quotes for an international relocation
X Boxes, packing and storage included.
t déménagement dès {p} | déménageurs avec emballage inclus
t devis pour un déménagement à l'international
x Cartons, emballage et garde-meubles inclus.
418 sub 5-19
N payroll software and outsourced payroll
n logiciels de paie et externalisation de la paie
419 service 490-2990
N recruitment agencies and temporary staffing
n cabinets de recrutement et travail temporaire
# ---- Computers & Electronics ----
126 shop 19-1499
T desktop PCs, monitors and keyboards from {p} | {B} {m} mechanical keyboard
T webcams, printers and USB-C hubs | a new computer set up and ready to use
X Free next-day delivery on computers and gadgets.
X Tech support and setup for every PC.
t PC de bureau, écrans et claviers dès {p} | clavier mécanique {B} {m}
t webcams, imprimantes et hubs USB-C | un nouvel ordinateur installé et prêt à l'emploi
x Livraison offerte en 24 h sur l'informatique et les gadgets.
x Assistance et installation pour chaque ordinateur.
420 shop 49-1499
N computer hardware: PCs, parts and peripherals
n matériel informatique : PC, composants et périphériques
421 shop 59-899
T graphics cards and CPUs from {p} | {B} {m} NVMe SSD, 2 TB | custom PC builds with watercooling
X We assemble and test your gaming PC in 48 hours.
t cartes graphiques et processeurs dès {p} | SSD NVMe {B} {m}, 2 To
t PC sur mesure avec watercooling
x Montage et test de votre PC gamer en 48 h.
422 shop 49-249
N external hard drives and portable SSDs
n disques durs externes et SSD portables
128 shop 19-399
T {B} {m} 27-inch 4K monitor
N keyboards, mice and monitors | ergonomic mice and wrist rests
t écran 4K 27 pouces {B} {m}
n claviers, souris et écrans | souris ergonomiques et repose-poignets
134 shop 499-1999
N desktop computers and all-in-one PCs
n ordinateurs de bureau et PC tout-en-un
135 shop 399-2199
T {B} {m} laptop: 14-inch, 16 GB RAM, from {p} | lightweight laptops for coding and programming
T laptops for students and developers, from {p} | ultrabooks with an 18-hour battery
T refurbished laptops from {p:349}, 2-year warranty
X A laptop built for coding: 32 GB RAM, a bright screen and all-day battery.
X Free Linux or Windows setup and a 3-year warranty.
X Compare notebooks and ultrabooks side by side.
X Student discount on every laptop.
t ordinateur portable {B} {m} : 14 pouces, 16 Go de RAM, dès {p}
t un ordinateur portable pour la programmation, dès {p} | ultraportables avec 18 h d'autonomie
t ordinateurs portables pour la programmation et le développement
t ordinateur portable reconditionné dès {p:349}, garantie 2 ans
t ordinateurs portables pour étudiants dès {p}
x Idéal pour la programmation : 32 Go de RAM, écran lumineux et autonomie d'une journée.
x Installation Linux ou Windows offerte, garantie 3 ans.
x Remise étudiante sur chaque ordinateur portable.
x Un ordinateur portable léger et rapide, idéal pour la programmation.
x Écran mat et clavier rétroéclairé : l'ordinateur portable des développeurs.
135 shop 499-1999
T laptops for programming from {p} | {B} {m}: the laptop for developers
T a laptop for coding, from {p}
X A laptop for programming: 32 GB RAM, a matte screen and a backlit keyboard.
X Linux-ready laptops for developers, with a 3-year warranty.
t ordinateur portable pour la programmation dès {p}
t {B} {m} : l'ordinateur portable des développeurs
t un ordinateur portable pour coder, dès {p}
x Un ordinateur portable pour la programmation : 32 Go de RAM, écran mat, clavier rétroéclairé.
x Ordinateurs portables compatibles Linux pour les développeurs, garantie 3 ans.
423 sub 3-9
T antivirus and VPN from {p}/month | a password manager for the whole family
T cybersecurity for small businesses
X Blocks malware, phishing and ransomware on every device.
t antivirus et VPN dès {p}/mois | gestionnaire de mots de passe pour toute la famille
t cybersécurité pour les PME
x Bloque malware, hameçonnage et rançongiciels sur tous vos appareils.
129 shop 29-999
N TVs, speakers and smart home gadgets
n téléviseurs, enceintes et objets connectés
424 shop 49-899
T hi-fi amplifiers and turntables from {p} | {B} {m} soundbar with subwoofer
T wireless earbuds and over-ear headphones | noise-cancelling headphones and earbuds from {p}
X Listen before you buy in our audiophile demo room.
X Bluetooth, hi-res streaming and room calibration.
t amplis hi-fi et platines vinyle dès {p} | barre de son {B} {m} avec caisson
t écouteurs sans fil et casques audio | casques et écouteurs à réduction de bruit dès {p}
x Écoutez avant d'acheter dans notre auditorium.
x Bluetooth, streaming hi-res et calibration de la pièce.
425 shop 59-449
T {B} {m} noise-cancelling headphones from {p} | noise-cancelling headphones for long flights
T wireless earbuds with active noise cancelling | over-ear headphones with a 40-hour battery
T noise-cancelling headphones for the office and the commute
X Active noise cancelling that shuts out engines and office chatter.
X A 40-hour battery, multipoint Bluetooth and a folding case.
X Comfortable for long flights, trains and open-plan offices.
X Try them for 30 days, with free returns.
t casque à réduction de bruit {B} {m} dès {p} | casques à réduction de bruit pour les longs vols
t écouteurs sans fil à réduction de bruit active | casque audio sans fil, 40 h d'autonomie
x Réduction de bruit active : fini le bruit des moteurs et de l'open space.
x 40 h d'autonomie, Bluetooth multipoint et étui pliable.
x Confortable en avion, en train et au bureau.
424 shop 79-449
T {B} {m} noise-cancelling headphones | noise-cancelling headphones for long flights, from {p}
T noise-cancelling earbuds and headphones for travel and work
X Active noise cancelling for long flights and noisy offices.
X Noise-cancelling headphones with a 40-hour battery.
t casque à réduction de bruit {B} {m} | casques à réduction de bruit pour les longs vols, dès {p}
x Réduction de bruit active pour les longs vols et les bureaux bruyants.
x Casque à réduction de bruit, 40 h d'autonomie.
# (noise-cancelling headphones are the commonest audio product: twice the weight)
424 shop 79-449
T {B} {m} noise-cancelling headphones | noise-cancelling headphones for long flights, from {p}
T noise-cancelling earbuds and headphones for travel and work
X Active noise cancelling for long flights and noisy offices.
X Noise-cancelling headphones with a 40-hour battery.
t casque à réduction de bruit {B} {m} | casques à réduction de bruit pour les longs vols, dès {p}
x Réduction de bruit active pour les longs vols et les bureaux bruyants.
x Casque à réduction de bruit, 40 h d'autonomie.
426 shop 49-399
T {B} {m} portable Bluetooth speaker | wireless speakers for every room, from {p}
N Bluetooth and smart speakers
X Waterproof, a 20-hour battery, pairs with a second speaker.
t enceinte Bluetooth portable {B} {m} | enceintes sans fil pour chaque pièce, dès {p}
n enceintes Bluetooth et connectées
x Étanche, 20 h d'autonomie, s'associe à une seconde enceinte.
427 shop 199-1499
N stereo systems, amplifiers and CD players
n chaînes hi-fi, amplis et lecteurs CD
428 shop 299-2499
T mirrorless cameras from {p} | {B} {m} full-frame camera body
T lenses, tripods and camera bags: {d} off
X Trade in your old camera for up to {p:300} off.
X Every camera comes with a free photography workshop.
t appareils photo hybrides dès {p} | boîtier plein format {B} {m}
t objectifs, trépieds et sacs photo : -{d}
x Reprise de votre ancien reflex jusqu'à {p:300}.
x Un atelier de photographie offert avec chaque appareil.
429 shop 99-599
N car stereos, speakers and CarPlay head units
n autoradios, haut-parleurs et écrans CarPlay
430 shop 19-199
N tech gadgets, power banks and e-readers
n gadgets high-tech, batteries externes et liseuses
431 shop 199-549
T game consoles from {p} | console bundles with two games
X Trade in your old console and controllers.
t consoles de jeux dès {p} | packs console avec deux jeux
x Reprise de votre ancienne console et de vos manettes.
432 shop 149-449
N handheld game consoles and carrying cases
n consoles portables et housses de transport
131 shop 19-249
N smart home hubs, smart plugs and connected lights
n box domotique, prises et ampoules connectées
132 shop 299-1999
N home cinema systems with Dolby Atmos
n systèmes home cinéma Dolby Atmos
433 shop 299-1999
T 4K and OLED TVs from {p} | {B} {m} 55-inch OLED TV
X Free wall mounting and recycling of your old TV.
t téléviseurs 4K et OLED dès {p} | téléviseur OLED {B} {m} 55 pouces
x Fixation murale offerte et reprise de l'ancien téléviseur.
434 shop 5-99
N electronic components, cables and soldering kits
n composants électroniques, câbles et kits de soudure
435 shop 49-499
N UPS units and power supplies
n onduleurs et alimentations
436 sub 99-999
N enterprise cloud and IT infrastructure services
n cloud et infrastructure informatique pour les entreprises
137 shop 49-399
N mesh Wi-Fi systems and network switches
n systèmes Wi-Fi maillés et switchs réseau
437 sub 19-199
N network monitoring software for IT teams
n logiciels de supervision réseau pour les équipes IT
438 shop 49-599
N routers, switches and access points
n routeurs, switchs et points d'accès
140 sub 5-29
T software for small businesses from {p}/month | a code editor and developer tools for programmers
T productivity apps: spreadsheets and CRM in one suite
X Plugins, cloud sync and a free plan for freelancers.
X Built for coding: debugger, Git and programming language support.
t logiciels pour les PME dès {p}/mois | éditeur de code et outils de programmation pour développeurs
t applis de productivité : tableur et CRM dans une seule suite
x Plugins, synchronisation cloud et offre gratuite pour les indépendants.
x Pensé pour la programmation : débogueur, Git et tous les langages.
439 sub 5-19
N productivity software: documents, spreadsheets and planning
n logiciels de productivité : documents, tableurs et planning
440 sub 9-39
N accounting software for freelancers and small businesses
n logiciels de comptabilité pour indépendants et PME
441 sub 5-19
N video conferencing and team chat software
n logiciels de visioconférence et de messagerie d'équipe
442 sub 9-29
N multimedia software for audio, video and graphics
n logiciels multimédia pour l'audio, la vidéo et le graphisme
141 sub 9-29
N music production software and plugins
n logiciels de production musicale et plugins
144 sub 9-49
N graphic design and 3D animation software
n logiciels de graphisme et d'animation 3D
443 sub 9-29
N photo and video editing software
n logiciels de retouche photo et de montage vidéo
# ---- Finance ----
149 money 5-29
T a budgeting app that tracks every expense | wealth management from {p}/month
T personal finance coaching
X Your cashflow, savings and spending in one place.
t une appli de budget qui suit chaque dépense | gestion de patrimoine dès {p}/mois
t coaching en finances personnelles
x Trésorerie, épargne et dépenses au même endroit.
150 service 290-1990
N chartered accountants and audit services
n experts-comptables et commissaires aux comptes
151 service 49-299
T tax returns filed by an accountant from {p} | tax planning for freelancers
X Deductions checked and VAT returns handled.
t déclaration d'impôts par un comptable dès {p} | optimisation fiscale pour les indépendants
x Déductions vérifiées, déclarations de TVA prises en charge.
444 money
T an online bank account with no monthly fee | mobile banking with instant transfers
T a current account and debit card in 10 minutes
X A free IBAN, a contactless debit card and savings pots.
t compte bancaire en ligne sans frais | banque mobile et virements instantanés
t compte courant et carte bancaire en 10 minutes
x IBAN gratuit, carte sans contact et cagnottes d'épargne.
445 money
N free checking accounts and debit cards
n comptes courants et cartes de débit gratuits
446 money
T savings account at [2.8|3.0|3.1|3.4]% a year | instant-access savings with no fees
T savings accounts for kids and young savers
X Your savings are protected up to €100,000.
X Round-up savings on every card payment.
t livret d'épargne à [2,8|3,0|3,1|3,4] % par an | épargne disponible à tout moment, sans frais
t livrets d'épargne pour les enfants
x Dépôts garantis jusqu'à 100 000 €.
x Épargnez l'arrondi de chaque paiement par carte.
447 money
T personal loans from [4.9|5.4|6.2]% APR | compare loans and monthly repayments online
X An answer in 24 hours, no early repayment fees.
X Borrowing costs money: make sure you can repay.
t prêts personnels dès [4,9|5,4|6,2] % TAEG | comparez crédits et mensualités en ligne
x Réponse en 24 h, sans frais de remboursement anticipé.
x Un crédit vous engage et doit être remboursé.
448 money
N car finance and leasing plans
n crédit auto et location avec option d'achat
152 money
T a cashback credit card: 1% back on every purchase | a no-fee credit card with contactless payments
T a credit card with air miles and lounge access
X No annual fee in the first year.
t carte de crédit cashback : 1 % remboursé sur vos achats
t carte bancaire sans frais, paiement sans contact
t carte de crédit avec miles et accès aux salons
x Sans cotisation la première année.
449 money
N credit score checks and monitoring alerts
n suivi de votre score de crédit et alertes
157 money
T mortgages from [3.2|3.5|3.8]% fixed | first-time buyer mortgages with a 10% down payment
T remortgage and save on your monthly repayments
X A free mortgage broker: an agreement in principle in 24 hours.
t prêt immobilier à taux fixe dès [3,2|3,5|3,8] % | crédit immobilier pour les primo-accédants
t renégociez votre prêt et baissez vos mensualités
x Courtier gratuit, accord de principe sous 24 h.
170 money
N personal loans for projects and renovations
n prêts personnels pour vos projets et travaux
171 money
N student loans and college savings plans
n prêts étudiants et épargne pour les études
153 money
N financial planners and wealth advice
n conseillers en gestion de patrimoine
154 money 25-200
T pension plans from {p}/month | retirement planning with a certified adviser
X Bring your old pensions together in one place.
t plan d'épargne retraite dès {p}/mois | préparez votre retraite avec un conseiller
x Regroupez vos anciens contrats de retraite.
158 money
T insurance quotes in 2 minutes | car, home and pet insurance in one app
X Insurance claims handled by real people, 7 days a week.
t devis d'assurance en 2 minutes | assurance auto, habitation et animaux dans une seule appli
x Sinistres gérés par de vrais conseillers, 7 j/7.
159 money 19-59
T car insurance from {p}/month | cheap car insurance for new drivers
N car insurance with breakdown cover
X Car insurance with breakdown cover and a courtesy car.
t assurance auto dès {p}/mois | assurance auto pas chère pour les jeunes conducteurs
n assurance auto avec assistance 0 km
x Assurance auto avec assistance 0 km et véhicule de prêt.
161 money
N home insurance for owners and tenants
n assurance habitation pour propriétaires et locataires
162 money
N life insurance cover for your family
n assurance vie et prévoyance pour votre famille
163 money 15-69
T travel insurance from {p} per trip | annual multi-trip travel insurance
X Cancellation, lost luggage and delays covered.
t assurance voyage dès {p} par voyage | assurance multivoyage annuelle
x Annulation, bagages perdus et retards couverts.
164 money 25-100
T invest in ETFs from {p} a month | stocks and ETFs with low brokerage fees
T {B}: a portfolio built for the long term
X Capital at risk: the value of investments can fall.
X Diversified portfolios of stocks and bonds.
t investissez en ETF dès {p} par mois | actions et ETF avec frais de courtage réduits
t {B} : un portefeuille pensé pour le long terme
x Investir comporte un risque de perte en capital.
x Portefeuilles diversifiés d'actions et d'obligations.
# ---- Food & Drink ----
172 grocery 19-59
T grocery boxes from local farms, from {p} | gourmet snacks and deli treats delivered
T the foodie's monthly tasting box
X Seasonal produce, cheese and snacks from small producers.
t paniers d'épicerie fine de producteurs locaux dès {p} | snacks gourmands livrés chez vous
t la box dégustation mensuelle des gourmands
x Produits de saison, fromages et encas de petits producteurs.
172 shop 39-99
T wine club: 6 bottles from {p} | natural and organic wines from small vineyards
X Tasting notes and food pairings with every bottle.
t club de vin : 6 bouteilles dès {p} | vins nature et bio de petits vignerons
x Notes de dégustation et accords mets-vins pour chaque bouteille.
173 sub 4-9
T recipe kits delivered weekly, from {p} per meal | online cooking classes with chefs
T a cookbook of 100 weeknight recipes
X Pre-measured ingredients and easy recipes for 2 or 4.
X Learn knife skills, baking and slow-cooked stews.
t kits recettes livrés chaque semaine, dès {p} le repas | cours de cuisine en ligne avec des chefs
t un livre de cuisine : 100 recettes du quotidien
x Ingrédients pré-dosés et recettes faciles pour 2 ou 4.
x Techniques de découpe, pâtisserie et plats mijotés.
176 sub 4-9
N vegetarian recipe boxes | vegetarian cookbooks
n paniers recettes végétariennes | recettes végétariennes faciles pour la semaine
177 sub 4-9
N vegan meal kits and plant-based recipes
n kits repas vegan et recettes végétales
450 grocery 9-49
N fresh food and pantry staples
n produits frais et épicerie
451 food 2-30
T sourdough bread and croissants, baked daily | celebration cakes to order from {p}
T an artisan bakery in {l}
X Bread, pastries and brioche from our wood-fired oven.
X Birthday cakes and celebration cakes, baked to order.
t pain au levain et croissants cuits chaque matin | gâteaux d'anniversaire sur commande dès {p}
t une boulangerie artisanale à {l}
x Pains, viennoiseries et brioches au feu de bois.
452 grocery 3-12
N granola, porridge and breakfast cereals
n granola, porridge et céréales du petit-déjeuner
453 grocery 5-39
T chocolate gift boxes from {p} | pick-and-mix sweets, caramels and nougat
T handmade macarons and pralines
X Made by hand by our chocolatier, delivered in 48 hours.
t coffrets de chocolats dès {p} | bonbons, caramels et nougat au détail
t macarons et pralines faits main
x Faits main par notre chocolatier, livrés en 48 h.
454 grocery 3-12
N hot sauces, mustards and salad dressings
n sauces piquantes, moutardes et vinaigrettes
455 grocery 19-49
T farmhouse cheese boxes from {p} | raw-milk cheeses from our cheesemonger
T free-range eggs and creamery butter delivered
X Brie, comté, cheddar and goat's cheese, cut to order.
t plateaux de fromages fermiers dès {p} | fromages au lait cru de notre fromagerie
t œufs plein air et beurre de crèmerie livrés
x Brie, comté, camembert et chèvre à la coupe.
456 grocery 19-79
N gourmet hampers, olive oils and truffle products
n paniers gourmets, huiles d'olive et produits à la truffe
457 grocery 29-89
T grass-fed beef and free-range chicken delivered | the butcher's barbecue box from {p}
T dry-aged steaks from our butchery
X Sausages, lamb and charcuterie from small farms.
t bœuf d'herbage et poulet fermier livrés | la box barbecue du boucher dès {p}
t côtes de bœuf maturées de notre boucherie
x Saucisses, agneau et charcuterie de petites fermes.
458 grocery 19-89
T fresh fish and seafood delivered the next morning | oysters, prawns and lobster from {p}
X Line-caught salmon, cod and mussels from our fishmonger.
t poissons et fruits de mer livrés le lendemain matin | huîtres, crevettes et homard dès {p}
x Saumon, cabillaud et moules de notre poissonnier.
459 grocery 19-39
N organic fruit and veg boxes | organic groceries delivered
n paniers de fruits et légumes bio | épicerie bio livrée
460 sub 0-9
T grocery delivery in 30 minutes | an online supermarket: free delivery on your first order
X Fresh produce and groceries, delivered when it suits you.
t courses livrées en 30 minutes | supermarché en ligne : livraison offerte sur la première commande
x Produits frais et courses livrés quand vous voulez.
461 food 9-25
T restaurant delivery in {l}: free on your first order | takeaway from 300 local restaurants
X Track your order live, delivered hot.
t livraison de repas à {l} : offerte sur la première commande
t plats à emporter de 300 restaurants du quartier
x Suivi de la commande en direct, livrée bien chaude.
462 food 18-65
T bistro in {l}: set lunch menu at {p} | book a table: tasting menu from {p}
T weekend brunch at our brasserie
X A seasonal menu, natural wines and a sunny terrace.
X Private dining room for up to 20 guests.
t bistrot à {l} : menu du midi à {p} | réservez une table : menu dégustation dès {p}
t brunch du week-end à la brasserie
x Carte de saison, vins nature et terrasse ensoleillée.
x Salle privatisable jusqu'à 20 couverts.
463 food 8-15
T burgers, fries and milkshakes: 2 for {p} | late-night tacos and kebabs delivered
X Smash burgers, veggie options and crispy fries.
t burgers, frites et milkshakes : 2 pour {p} | tacos et kebabs livrés tard le soir
x Smash burgers, options végétariennes et frites croustillantes.
464 food 8-16
T Neapolitan pizza from our wood-fired oven | pizza delivery: margherita from {p}
X Pizza with slow-proofed dough, San Marzano tomatoes and buffalo mozzarella.
t pizza napolitaine au feu de bois | pizza livrée : margherita dès {p}
x Pâte à longue fermentation, tomates San Marzano et mozzarella di bufala.
517 shop 129-899
T {B} {m} espresso machine with milk frother, {p} | bean-to-cup coffee machines from {p}
T espresso machines for home baristas | a manual espresso machine with a 15-bar pump, {p}
X Built-in grinder, 15-bar pump and a steam wand for lattes.
X A free barista workshop with every espresso machine.
X Two-year warranty and a free descaling kit.
t machine à expresso {B} {m} avec buse vapeur, {p} | machines à café avec broyeur dès {p}
t machines à espresso pour baristas amateurs | machine à expresso manuelle, pompe 15 bars, {p}
x Broyeur intégré, pompe 15 bars et buse vapeur pour les lattes.
x Un atelier barista offert avec chaque machine à café.
517 grocery 8-24
T specialty coffee beans, roasted this week | coffee subscription: fresh beans from {p} a bag
T single-origin arabica for espresso and filter
X Roasted in small batches and delivered within 3 days.
X Whole beans, or ground for your coffee maker.
t Torréfaction {B} : café de spécialité en grains, livré chez vous
t abonnement café : grains frais dès {p} le paquet
t arabica d'origine pour l'expresso et le filtre
x Torréfaction artisanale en petits lots, livraison sous 3 jours.
x En grains ou moulu pour votre cafetière.
# ---- Games ----
180 shop 9-39
T jigsaw puzzles from {p}: 500 to 2,000 pieces | puzzle books: crosswords, sudoku and riddles
T trivia and quiz games for family nights
X New jigsaw puzzles and brainteasers every month.
t puzzles dès {p} : de 500 à 2 000 pièces | livres de jeux : mots fléchés, sudoku et énigmes
t jeux de quiz pour les soirées en famille
x Nouveaux puzzles et casse-têtes chaque mois.
465 shop 19-69
T board games for family nights from {p} | chess sets and wooden chessboards
T strategy board games and tabletop expansions
X Board games picked by our game café: co-op, dice and card games.
t jeux de société pour les soirées en famille dès {p} | jeux d'échecs et échiquiers en bois
t jeux de plateau de stratégie et extensions
x La sélection de notre ludothèque : jeux coopératifs, dés et jeux de cartes.
183 shop 19-69
T new video games from {p} | {B} {m} wireless gamepad
T a gaming subscription: 300 games for {p:12}/month
X The biggest video games of the year, with bonus DLC on pre-orders.
X Multiplayer, RPG and retro video games for every console.
t nouveaux jeux vidéo dès {p} | manette sans fil {B} {m}
t abonnement gaming : 300 jeux pour {p:12}/mois
x Précommandez les grosses sorties avec des DLC bonus.
x Multijoueur, RPG et classiques du rétrogaming.
184 shop 19-69
N action and platform games
n jeux d'action et de plateforme
185 shop 19-59
N story-driven adventure games
n jeux d'aventure narratifs
186 shop 0-9
N casual puzzle and mobile games
n jeux casual et jeux mobiles de réflexion
187 course 9-49
N esports coaching and gaming tournaments
n coaching esport et tournois de jeux vidéo
466 shop 29-299
N racing games and steering wheel controllers
n jeux de course et volants de simulation
467 shop 29-99
N shooter games and pro gaming mice
n jeux de tir et souris gaming
191 shop 29-69
N football and basketball video games
n jeux vidéo de football et de basket
192 shop 19-59
N strategy games for PC and console
n jeux de stratégie sur PC et console
468 shop 9-39
N family games and activity kits for kids
n jeux en famille et kits d'activités pour enfants
194 shop 19-59
N tabletop roleplaying games, dice and rulebooks
n jeux de rôle sur table, dés et livres de règles
# ---- Hobbies & Leisure ----
196 shop 9-79
T collectors' albums for stamps and coins | model kits and hobby supplies from {p}
T birdwatching binoculars and field guides
X Everything for collectors and hobbyists, shipped in 48 hours.
t albums de collection pour timbres et monnaies | maquettes et fournitures de modélisme dès {p}
t jumelles d'ornithologie et guides
x Tout pour les collectionneurs et les passionnés, expédié en 48 h.
469 shop 5-59
T merino yarn starter kits for knitting | watercolour and acrylic paint sets from {p}
T sewing, crochet and embroidery kits | pottery clay, canvases and easels
X Craft workshops every Saturday in our shop.
X Beginner kits with video tutorials.
t kits de tricot en laine mérinos | coffrets d'aquarelle et de peinture acrylique dès {p}
t kits de couture, de crochet et de broderie | argile de poterie, toiles et chevalets
x Ateliers créatifs chaque samedi en boutique.
x Kits débutant avec tutoriels vidéo.
470 course 49-390
N sailing courses and boat hire
n stages de voile et location de bateaux
471 shop 5-49
T Halloween costumes and party decorations | Christmas decorations and advent calendars
N seasonal decorations and gifts
t déguisements et décorations d'Halloween | décorations de Noël et calendriers de l'Avent
n décorations et cadeaux de saison
201 shop 19-299
N outdoor gear for hiking, camping and fishing
n équipement outdoor pour la randonnée, le camping et la pêche
202 shop 19-299
T fishing rods and reels from {p} | fly fishing kits for trout | carp fishing bait and tackle
X Fishing licences, lures and expert advice in store.
t cannes à pêche et moulinets dès {p} | kits de pêche à la mouche pour la truite
t appâts et matériel pour la pêche à la carpe
x Cartes de pêche, leurres et conseils d'experts en magasin.
472 shop 39-449
T hiking boots and trekking poles from {p} | {B} {m} 2-person tent, 1.9 kg
T camping gear: tents, sleeping bags and stoves
X Waterproof, and tested on the trail by our team.
X Rent camping gear for your next trek.
t chaussures de randonnée et bâtons de trek dès {p} | tente {B} {m} 2 places, 1,9 kg
t matériel de camping : tentes, sacs de couchage et réchauds
t une tente légère pour la randonnée en montagne, dès {p}
x Imperméables et testés sur les sentiers par notre équipe.
x Louez votre matériel de camping pour votre prochain trek.
472 book 19-59
T campsites and glamping in {r} from {p}/night | hiking trails in {r}: guided treks from {p:49}
X Pitches by the river, cabins and safari tents.
t campings et glamping {r} dès {p}/nuit | randonnées {r} : treks accompagnés dès {p:49}
x Emplacements au bord de la rivière, cabanes et tentes safari.
# ---- Home & Garden ----
207 shop 9-99
T homeware and household essentials from {p} | housewarming gift boxes
X Kitchen, storage and cleaning essentials for every household.
t articles pour la maison dès {p} | coffrets cadeaux pour une crémaillère
x Cuisine, rangement et entretien : l'essentiel pour le foyer.
473 shop 19-99
N bed and bath linen
n linge de lit et de bain
474 service 1990-9990
T bathroom renovation from {p} | walk-in showers, vanity units and taps
N bathroom furniture, showers and taps
t rénovation de salle de bain dès {p} | douches à l'italienne, meubles vasque et robinets
n meubles de salle de bain, douches et robinets
475 shop 29-899
T {B} {m} memory-foam mattress with a 100-night trial
T bedroom furniture: beds, wardrobes and nightstands
T duvets, pillows and bedding from {p}
X Free delivery and recycling of your old mattress.
t matelas à mémoire de forme {B} {m}, 100 nuits d'essai
t chambre : lits, armoires et tables de chevet
t couettes, oreillers et linge de lit dès {p}
x Livraison offerte et reprise de l'ancien matelas.
476 shop 29-149
N organic cotton bed linen and duvet covers
n linge de lit en coton bio et housses de couette
477 shop 199-1290
N beds, bed frames and upholstered headboards
n lits, sommiers et têtes de lit capitonnées
478 shop 299-1290
N mattresses with a 100-night trial
n matelas avec 100 nuits d'essai
479 service 19-35
T home cleaning from {p}/hour | end-of-tenancy and deep cleaning
X Vetted cleaners, eco-friendly products included.
t ménage à domicile dès {p}/heure | nettoyage de fin de bail et grand ménage
x Intervenants vérifiés, produits écologiques fournis.
209 shop 9-199
T cushions, rugs and curtains from {p} | scented candles and vases for a cosy home
T wallpaper and decor ideas for every room
X Free interior decorating advice in store.
t coussins, tapis et rideaux dès {p} | bougies parfumées et vases pour une maison cosy
t papier peint et idées déco pour chaque pièce
x Conseils déco gratuits en magasin.
210 shop 249-1299
T fridges, washers and dishwashers from {p} | {B} {m} fridge-freezer, A-rated
T kitchen appliance packages with installation
X Free delivery, installation and removal of your old appliance.
t réfrigérateurs, lave-linge et lave-vaisselle dès {p} | réfrigérateur-congélateur {B} {m}, classe A
t packs électroménager avec installation
x Livraison, installation et reprise de l'ancien appareil offertes.
480 shop 149-599
T {B} {m} cordless vacuum
N cordless vacuums and robot vacuums
t aspirateur sans fil {B} {m}
n aspirateurs sans fil et robots aspirateurs
481 shop 19-299
N water filter jugs and air purifiers
n carafes filtrantes et purificateurs d'air
482 shop 199-1499
T sofas, armchairs and bookcases from {p} | solid oak furniture made to order
T {B} {m} three-seater sofa
X Free delivery and assembly on every sofa and bookcase.
t canapés, fauteuils et bibliothèques dès {p} | meubles en chêne massif sur mesure
t canapé 3 places {B} {m}
x Livraison et montage offerts sur tous les meubles.
483 shop 299-1990
N quartz and wooden kitchen countertops
n plans de travail en quartz et en bois
484 shop 29-299
N made-to-measure curtains and blinds
n rideaux et stores sur mesure
485 shop 99-999
N dining tables, chairs and bar stools
n tables à manger, chaises et tabourets de bar
486 shop 19-299
N lamps, pendant lights and LED bulbs
n lampes, suspensions et ampoules LED
487 shop 99-999
N living room furniture: TV units, coffee tables and shelving
n meubles de salon : meubles TV, tables basses et étagères
488 shop 399-1990
N sofas, corner sofas and armchairs
n canapés, canapés d'angle et fauteuils
489 shop 149-1290
N patio furniture and outdoor lounge sets
n salons de jardin et mobilier d'extérieur
490 shop 49-599
N wool rugs and fitted carpets
n tapis en laine et moquettes
211 service 490-9900
T home renovation from {p}: kitchens, bathrooms and lofts
T trusted builders, tilers and carpenters in {l}
T DIY supplies for your renovation project
X A free quote and a fixed price before work starts.
t rénovation de maison dès {p} : cuisine, salle de bain, combles
t artisans de confiance à {l} : carreleurs, menuisiers
t bricolage : tout pour vos travaux de rénovation
x Devis gratuit et prix ferme avant le début des travaux.
491 shop 49-299
T {B} {m} cordless drill with 2 batteries | power tools from {p}: drills, sanders and saws
T toolboxes and workbenches for DIY
X Tool hire by the day for big jobs.
t perceuse-visseuse sans fil {B} {m}, 2 batteries
t outillage électroportatif dès {p} : perceuses, ponceuses, scies
t caisses à outils et établis pour le bricolage
x Location d'outils à la journée pour les gros travaux.
492 service 290-2990
N double-glazed windows and front doors
n fenêtres double vitrage et portes d'entrée
493 shop 19-79
N oak flooring, laminate and tiles
n parquet en chêne, stratifié et carrelage
494 service 290-2990
N interior and exterior painting services
n peintres en bâtiment pour l'intérieur et les façades
495 service 59-199
N 24/7 locksmiths and high-security locks
n serruriers 24 h/24 et serrures haute sécurité
496 service 59-199
T emergency plumbers in {l}, 24/7 | leak and water heater repairs from {p}
T unclog drains and sinks the same day
X Certified plumbers with a fixed call-out fee.
t plombiers d'urgence à {l}, 24 h/24 | réparation de fuites et de chauffe-eau dès {p}
t débouchage d'éviers et de canalisations le jour même
x Plombiers certifiés, déplacement à prix fixe.
497 service 490-9990
N roof repairs and new roofs
n réparation de toiture et couverture neuve
212 shop 99-499
T {B} {m} video doorbell | home alarm systems with 24/7 monitoring from {p}
T smart locks and CCTV cameras
X Professional installation within 48 hours.
t sonnette vidéo {B} {m} | alarmes maison avec télésurveillance 24 h/24 dès {p}
t serrures connectées et caméras de vidéosurveillance
x Installation par un professionnel sous 48 h.
498 shop 19-399
N shelving units, storage boxes and wardrobes
n étagères, boîtes de rangement et dressings
499 service 990-9990
N made-to-measure kitchen cabinets
n meubles de cuisine sur mesure
500 shop 2990-14990
T hot tubs from {p}
N hot tubs, home saunas and above-ground pools
t spas de nage et jacuzzis dès {p}
n spas, saunas et piscines hors-sol
213 shop 5-29
N household supplies: bin bags, cleaning and laundry
n produits ménagers : sacs poubelle, entretien et lessive
501 shop 5-25
N rechargeable AA and AAA batteries
n piles rechargeables AA et AAA
502 shop 3-19
N eco-friendly cleaning products and refills
n produits ménagers écologiques et recharges
503 service 990-9990
T heat pumps installed from {p} | boiler servicing and smart thermostats
T air conditioning for homes and offices
X Certified installers, with energy grants handled for you.
t pompes à chaleur installées dès {p} | entretien de chaudière et thermostats connectés
t climatisation pour maisons et bureaux
x Installateurs certifiés, aides à la rénovation gérées pour vous.
504 shop 299-1990
N portable and split air conditioners
n climatiseurs mobiles et réversibles
505 shop 690-2990
N wood-burning and pellet stoves
n poêles à bois et à granulés
506 shop 29-199
N quiet tower fans and ceiling fans
n ventilateurs colonne silencieux et ventilateurs de plafond
507 shop 9-99
N kitchen and dining essentials
n indispensables pour la cuisine et la table
508 shop 19-199
T non-stick pans and cast-iron casseroles from {p} | {B} {m} stainless-steel cookware set
T dinnerware, glassware and cutlery sets
X A lifetime guarantee on our cast-iron cookware.
X Works on induction, gas and in the oven.
t poêles antiadhésives et cocottes en fonte dès {p} | batterie de cuisine inox {B} {m}
t vaisselle, verrerie et couverts
x Garantie à vie sur nos cocottes en fonte.
x Compatible induction, gaz et four.
509 shop 19-149
N saucepans, skillets and woks
n casseroles, poêles et woks
510 shop 19-149
N plates, bowls and stoneware dinner sets
n assiettes, bols et services en grès
511 shop 349-899
N quiet dishwashers with installation
n lave-vaisselle silencieux avec installation
512 shop 79-399
N microwaves and combination ovens
n micro-ondes et fours combinés
513 shop 299-1990
N induction hobs, range cookers and ovens
n plaques à induction, pianos de cuisson et fours
514 shop 399-1990
N fridge-freezers and American-style fridges
n réfrigérateurs-congélateurs et frigos américains
515 shop 39-249
T air fryers, blenders and kettles from {p} | {B} {m} multicooker with 12 programmes
T toasters and kettles in pastel colours
X A free recipe book with every air fryer.
t friteuses sans huile, blenders et bouilloires dès {p} | multicuiseur {B} {m}, 12 programmes
t grille-pain et bouilloires aux couleurs pastel
x Un livre de recettes offert avec chaque friteuse sans huile.
516 shop 39-299
N blenders and juicers for smoothies
n blenders et extracteurs de jus pour smoothies
518 shop 99-699
T {B} {m} stand mixer
N stand mixers and hand mixers
t robot pâtissier {B} {m}
n robots pâtissiers et batteurs | robots de cuisine multifonctions
519 shop 19-299
N patio heaters, planters and garden lighting
n chauffages de terrasse, jardinières et éclairage de jardin
520 shop 99-999
T {B} {m} charcoal barbecue | gas grills and planchas from {p}
T barbecue accessories: skewers, charcoal and covers
X Free assembly and a grilling masterclass.
t barbecue à charbon {B} {m} | barbecues à gaz et planchas dès {p}
t accessoires de barbecue : brochettes, charbon et housses
x Montage offert et atelier grillades.
208 shop 19-149
T vegetable garden starter kits from {p} | heirloom vegetable seeds: tomatoes, beans and courgettes
T raised beds for your vegetable garden
T start a vegetable garden: seeds, compost and a planting calendar
X Everything to start your first vegetable garden, with a sowing calendar.
X Organic seeds, compost and seedlings delivered to your door.
X Cedar raised beds in 3 sizes, easy to assemble.
t kits potager pour débuter dès {p} | graines de légumes anciens : tomates, haricots et courgettes
t carrés potagers surélevés pour votre potager
t démarrez votre potager : graines, compost et calendrier des semis
x Tout pour démarrer votre premier potager, avec un calendrier des semis.
x Graines bio, compost et plants livrés chez vous.
x Carrés potagers en cèdre en 3 tailles, faciles à monter.
208 shop 9-299
T a garden centre for plants, shrubs and perennials
T pruning shears, hoses and garden tools from {p}
T greenhouses and potting benches
X Gardening advice from our horticulturists every weekend.
t jardinerie : plantes, arbustes et vivaces
t sécateurs, tuyaux d'arrosage et outils de jardin dès {p}
t serres et tables de rempotage
x Conseils de jardinage par nos horticulteurs tous les week-ends.
214 service 490-4990
N landscape design and garden makeovers
n aménagement paysager et création de jardins
521 service 29-149
T lawn care and hedge trimming from {p} | landscaping and garden maintenance in {l}
X Regular visits, green waste taken away.
t entretien de pelouse et taille de haies dès {p} | paysagiste et entretien de jardin à {l}
x Passages réguliers, déchets verts évacués.
522 shop 199-1290
T {B} {m} robot lawnmower
N cordless and robot lawn mowers
t robot tondeuse {B} {m}
n tondeuses sans fil et robots tondeuses
523 service 79-249
N pest control for mice and wasps | bedbug treatments
n dératisation et destruction de nids de guêpes | élimination des punaises de lit
524 shop 299-999
N washing machines and tumble dryers
n lave-linge et sèche-linge
# ---- Internet & Telecom ----
215 sub 15-49
T home internet and mobile bundles from {p}/month | fibre broadband, TV and mobile together
X Free installation and a Wi-Fi router included.
t box internet et forfait mobile dès {p}/mois | fibre, TV et mobile réunis
x Installation offerte, box Wi-Fi incluse.
525 shop 49-499
N two-way radios and conference phones
n talkies-walkies et téléphones de conférence
526 shop 99-899
N ham radio transceivers and antennas
n émetteurs-récepteurs radioamateur et antennes
527 shop 9-59
T phone cases, chargers and power banks from {p}
N phone cases, wireless chargers and power banks
t coques, chargeurs et batteries externes dès {p}
n coques, chargeurs sans fil et batteries externes
528 shop 199-1199
T {B} {m} smartphone from {p} | 5G smartphones paid in interest-free instalments
T refurbished phones from {p} with a 2-year warranty
T SIM-only plans: unlimited data from {p:15}/month
X Trade in your old phone for up to {p:250}.
X Every smartphone is eSIM ready, with EU roaming included.
t smartphone {B} {m} dès {p} | smartphones 5G payables en plusieurs fois sans frais
t téléphones reconditionnés dès {p}, garantie 2 ans
t forfait mobile sans engagement : data illimitée dès {p:15}/mois
x Reprise de votre ancien téléphone jusqu'à {p:250}.
x Chaque smartphone est compatible eSIM, roaming UE inclus.
529 service 39-129
T phone screen repair in 30 minutes, from {p}
N phone screen and battery repairs
t réparation d'écran de téléphone en 30 minutes, dès {p}
n réparation d'écran et de batterie de téléphone
530 sub 15-49
N broadband, TV and mobile providers compared
n comparatif des fournisseurs internet, TV et mobile
531 sub 15-49
N satellite and cable TV packages
n offres TV par satellite et par câble
217 sub 19-45
T fibre broadband up to 1 Gbps from {p}/month | home Wi-Fi with a mesh router included
X No contract, free installation and a Wi-Fi 6 router.
t fibre jusqu'à 1 Gb/s dès {p}/mois | box Wi-Fi avec répéteur inclus
x Sans engagement, installation offerte et routeur Wi-Fi 6.
218 sub 5-25
N mobile plans and landline packages
n forfaits mobiles et lignes fixes
532 sub 0-9
N video calling apps for families and teams
n applis d'appel vidéo pour les familles et les équipes
533 sub 5-29
N web services for small businesses
n services web pour les petites entreprises
534 sub 2-10
T 2 TB of cloud storage from {p}/month
N encrypted cloud storage and backups
t 2 To de stockage cloud dès {p}/mois
n stockage cloud chiffré et sauvegardes
535 service 290-1990
N SEO audits and search marketing
n audits SEO et référencement payant
224 service 490-4900
T websites for small businesses from {p} | a web design agency for HTML, CSS and JavaScript
T an online shop built on your CMS
X Responsive design, SEO basics and hosting included.
t sites web pour les TPE dès {p} | agence de création de sites : HTML, CSS et JavaScript
t une boutique en ligne sur votre CMS
x Design responsive, bases du SEO et hébergement inclus.
536 sub 2-12
T web hosting from {p}/month with a free domain
N web hosting, domain names and SSL certificates
t hébergement web dès {p}/mois avec nom de domaine offert
n hébergement web, noms de domaine et certificats SSL
# ---- Jobs & Education ----
226 course 49-490
T career coaching for a career change | upskilling programmes in tech and design
X One-to-one mentoring and a personal plan.
t coaching de carrière pour votre reconversion
t formations pour monter en compétences en tech et en design
x Mentorat individuel et plan personnalisé.
227 course 15-49
T online maths and science tutoring from {p}/hour | homework help for students aged 11 to 18
X Qualified teachers, first lesson free.
t cours particuliers de maths et de sciences en ligne, dès {p}/h
t aide aux devoirs pour collégiens et lycéens
x Professeurs diplômés, premier cours offert.
537 course 490-4990
N MBA and management courses
n MBA et formations au management
229 course 490-9900
T bachelor's and master's degrees: apply for September | university open days this spring
X Scholarships, campus housing and international exchanges.
t licences et masters : candidatures pour septembre
t journées portes ouvertes à l'université ce printemps
x Bourses, logement sur le campus et échanges internationaux.
538 course 19-499
T programming courses in Python, JavaScript and SQL from {p}
T a coding bootcamp: become a developer in 12 weeks
T learn to code online at your own pace
X Real projects, code reviews and a mentor.
t cours de programmation : Python, JavaScript et SQL dès {p}
t bootcamp de code : devenez développeur en 12 semaines
t apprenez à coder en ligne à votre rythme
x Projets concrets, revues de code et un mentor.
230 course 49-490
N distance learning degrees and online diplomas
n diplômes à distance et formations en ligne
231 course 29-290
N Montessori preschools and early learning toys
n écoles maternelles Montessori et jouets d'éveil
277 course 9-29
T learn {g} online from {p}/month | {g} lessons online with native tutors
T {g} for beginners: first lesson free | learn {g} fast with live online classes
X Learn {g} online with live {g} lessons and native teachers.
X Become fluent in {g}: live lessons with native teachers.
X Speak {g} with confidence in 3 months. | Live {g} lessons online, 7 days a week.
t apprenez {g} en ligne dès {p}/mois | cours {j} en ligne avec des professeurs natifs
t {g} pour débutants : premier cours offert | apprendre {g} en ligne, à votre rythme
x Cours {j} en ligne : conversation, grammaire et vocabulaire.
x Cours {j} pour devenir bilingue, à votre rythme.
x Parlez {g} avec aisance en 3 mois. | Cours {j} en direct, 7 j/7.
277 course 99-390
T English courses to prepare for the TOEFL and IELTS | language exam preparation online
X Mock exams, grammar and vocabulary coaching.
t préparation au TOEIC, au TOEFL et à l'IELTS | cours d'anglais pour réussir le TOEIC
x Examens blancs, grammaire et vocabulaire.
233 course 19-99
N homeschooling curricula and workbooks
n programmes et cahiers pour l'instruction en famille
540 course 99-990
N law school preparation and legal courses
n préparation aux concours de droit et formations juridiques
541 course 0-49
N free online courses from leading universities
n MOOC et cours en ligne gratuits
542 course 29-290
N private schools and after-school tutoring
n écoles privées et soutien scolaire
543 course 19-49
N private tutors for every subject
n professeurs particuliers dans toutes les matières
544 shop 5-49
N school supplies and back-to-school bundles
n fournitures scolaires et packs de rentrée
234 course 99-990
N SAT, GMAT and GRE prep courses
n préparation au GMAT, au TOEIC et aux concours
545 course 990-9990
N study abroad programmes and exchange semesters
n séjours d'études à l'étranger et semestres d'échange
546 course 49-490
N art school courses in drawing and design
n cours d'art : dessin, design et illustration
547 jobs
T paid internships in marketing, tech and finance
N internships and graduate programmes
t stages rémunérés en marketing, tech et finance
n stages et programmes jeunes diplômés
236 jobs
T {l} jobs: 2,000 new vacancies this week | upload your CV and get hired faster
T apprenticeships and internships near you
X Job alerts, salary insights and one-click applications.
t emploi à {l} : 2 000 offres cette semaine | déposez votre CV, les recruteurs vous contactent
t alternance et stages près de chez vous
x Alertes emploi, salaires et candidature en un clic.
237 course 49-490
N career coaching and interview preparation
n bilans de compétences et préparation aux entretiens
238 jobs
N job listings in every sector
n offres d'emploi dans tous les secteurs
548 jobs
N accounting and finance jobs
n emplois en comptabilité et en finance
549 jobs
N office administrator and receptionist jobs
n emplois d'assistant administratif et d'accueil
550 jobs
N teaching jobs and school vacancies
n emplois dans l'enseignement
551 jobs
N executive and management roles
n postes de cadres et de direction
552 jobs
N public sector and civil service jobs
n emplois dans la fonction publique
554 jobs
N developer, data and IT jobs
n emplois de développeur, data et informatique
555 jobs
N legal jobs for lawyers and paralegals
n emplois juridiques pour avocats et juristes
556 jobs
N retail and store jobs
n emplois dans le commerce et la vente en magasin
557 jobs
N sales and marketing jobs
n emplois commerciaux et marketing
558 jobs
N seasonal and temporary summer jobs
n jobs saisonniers et missions d'intérim
559 shop 0-19
N CV templates and portfolio websites
n modèles de CV et sites portfolio
# ---- Law & Government ----
239 service 49-499
T contract templates reviewed by lawyers | trademark and patent registration from {p}
X Compliance checks for small businesses.
t modèles de contrats vérifiés par des avocats | dépôt de marque et de brevet dès {p}
x Mise en conformité pour les petites entreprises.
560 service 90-490
N employment lawyers for dismissals and contract disputes
n avocats en droit du travail pour les licenciements et les litiges
242 service 90-490
T talk to a lawyer today: fixed-fee advice from {p} | notary and probate services
T mediation for neighbour and family disputes
X The first 15-minute call is free.
t parlez à un avocat aujourd'hui : consultation à prix fixe dès {p} | notaire et successions
t médiation pour les litiges de voisinage et familiaux
x Premier appel de 15 minutes offert.
# ---- News ----
243 sub 1-12
T award-winning journalism: {p} for your first month
T the morning newsletter: 5 headlines in 5 minutes
X Independent reporters, and no paywall on breaking news.
t journalisme primé : {p} le premier mois | la newsletter du matin : 5 infos en 5 minutes
x Rédaction indépendante, infos en continu sans paywall.
561 sub 5-29
N business news and market analysis
n actualité économique et analyses de marché
245 sub 1-9
N local news for {l}
n l'actualité locale à {l}
249 sub 1-12
N world news and reports from foreign correspondents
n actualité internationale et reportages de correspondants
# ---- Online Communities ----
250 sub 0-9
T start your blog in 5 minutes | forum software for communities, from {p}/month
X Custom domains, moderation tools and emoji reactions.
t créez votre blog en 5 minutes | logiciel de forum pour communautés dès {p}/mois
x Nom de domaine, outils de modération et réactions emoji.
253 sub 0-15
T a social media scheduler: plan a month of posts | grow your followers with better hashtags
X Analytics for influencers and small brands.
t planificateur pour réseaux sociaux : un mois de posts en une heure
t gagnez des abonnés avec les bons hashtags
x Statistiques pour influenceurs et petites marques.
# ---- People & Society ----
254 shop 19-59
T family photo books and calendars from {p} | personalised gifts for grandparents
X Print your family albums in 48 hours.
t livres photo de famille et calendriers dès {p} | cadeaux personnalisés pour les grands-parents
x Vos albums de famille imprimés en 48 h.
562 event 5-30
T plant trees: donations from {p} | volunteer with local charities this weekend
T a fundraising platform for nonprofits
X Every donation is tracked and reported.
t plantez des arbres : dons dès {p} | devenez bénévole ce week-end
t une plateforme de collecte de dons pour les associations
x Chaque don est suivi et rendu public.
258 service 12-39
T babysitters and nannies near you | parenting workshops for new mums and dads
T kids' activity boxes from {p}
X Checked, reviewed childminders in your area.
t baby-sitters et nounous près de chez vous | ateliers de parentalité pour jeunes parents
t box d'activités pour enfants dès {p}
x Nounous vérifiées et notées dans votre quartier.
259 service 49-490
N adoption agencies and support for adoptive families
n accompagnement à l'adoption pour les familles adoptives
260 shop 19-499
T strollers and car seats from {p} | {B} {m} lightweight pram
T organic cotton onesies and baby clothes
X A free baby registry and 100-day returns.
t poussettes et sièges auto dès {p} | poussette légère {B} {m}
t bodies et vêtements bébé en coton bio
x Liste de naissance offerte et retours sous 100 jours.
563 service 390-990
N daycare places and after-school clubs
n places en crèche et accueil périscolaire
# ---- Pets & Animals ----
263 event 9-35
T zoo and wildlife park tickets from {p} | horse riding lessons for all levels
X Meet the animals, with feeding sessions at noon.
t billets pour le zoo et le parc animalier dès {p} | cours d'équitation tous niveaux
x Rencontrez les animaux, nourrissage à midi.
264 shop 9-59
T premium pet food delivered monthly, from {p} | grain-free kibble and natural treats
X Subscribe and save {d} on every delivery.
t alimentation premium pour animaux livrée chaque mois, dès {p}
t croquettes sans céréales et friandises naturelles
x Abonnez-vous : -{d} sur chaque livraison.
265 shop 9-99
T a pet shop for food, toys and aquariums | pet sitting and dog walking near you
X Pet food, grooming and supplies, with vets on call.
t animalerie : croquettes, jouets et aquariums
t garde d'animaux et promenade de chiens près de chez vous
x Vétérinaires joignables, toilettage et accessoires.
267 shop 9-89
T cat trees, scratchers and litter from {p} | wet and dry cat food for kittens and adult cats
X Cat food approved by vets, delivered with free catnip toys.
t arbres à chat, griffoirs et litière dès {p} | pâtée et croquettes pour chatons et chats adultes
x Croquettes pour chat approuvées par des vétérinaires, livrées avec des jouets.
268 shop 9-89
T dog beds, leads and harnesses from {p} | puppy training classes every Saturday
T natural dog food and chews
X Dog walkers and doggy day care in {l}.
X Dog food, toys and beds for puppies and grown-up dogs.
t paniers, laisses et harnais pour chien dès {p} | éducation canine pour chiots tous les samedis
t croquettes et friandises naturelles pour chien
x Promeneurs de chiens et garderie canine à {l}.
x Croquettes, jouets et paniers pour chiots et chiens adultes.
# ---- Real Estate ----
272 service 990-4990
T homes for sale in {l}: 1,200 listings | an estate agent with fixed fees from {p}
T a free property valuation in 48 hours
X Condos, townhouses and family homes, viewed with a local realtor.
t maisons et appartements à vendre à {l} : 1 200 annonces
t agence immobilière à honoraires fixes dès {p}
t estimation immobilière gratuite en 48 h
x Appartements, pavillons et maisons, visités avec un agent local.
564 service 149000-490000
N new-build homes and off-plan apartments
n programmes neufs et appartements sur plan
565 service 149000-590000
N property listings for flats and houses
n annonces immobilières d'appartements et de maisons
566 service 990-9990
N offices, shops and warehouses to let
n bureaux, commerces et entrepôts à louer
567 service 650-2200
T apartments for rent in {l} from {p}/month | rent a flat with no agency fees
T student rooms and flatshares near campus
X Verified landlords, virtual tours and online lease signing.
t appartements à louer à {l} dès {p}/mois | location sans frais d'agence
t un appartement à louer à {l} ? Dès {p}/mois
t chambres étudiantes et colocations près du campus
x Propriétaires vérifiés, visites virtuelles et bail signé en ligne.
x Appartement meublé ou vide : visitez en ligne, signez en ligne.
568 service 990-2990
N furnished apartments for monthly stays
n appartements meublés pour des séjours au mois
569 service 189000-690000
T houses for sale in {l} from {p}
N houses and flats for sale
t maisons à vendre à {l} dès {p}
n maisons et appartements à vendre
570 service 49-490
N estate agents and property management
n agences immobilières et gestion locative
571 service 190-690
N home surveys and property valuations
n diagnostics immobiliers et estimations
# ---- Shopping ----
289 shop 10-100
T gift cards for 300 shops | an online marketplace: {d} off this weekend | gift ideas under {p:50}
X Wishlists, gift wrapping and free returns.
t cartes cadeaux valables dans 300 boutiques | marketplace en ligne : -{d} ce week-end
t idées cadeaux à moins de {p:50}
x Listes d'envies, emballage cadeau et retours gratuits.
572 shop 19-149
T jackets, jeans and knitwear from {p} | new-season clothing: {d} off
T {B} merino sweaters and cotton shirts
X Free returns, sizes from XS to 3XL.
t vestes, jeans et pulls dès {p} | vêtements de la nouvelle saison : -{d}
t pulls en mérinos et chemises en coton {B}
x Retours gratuits, tailles du XS au 3XL.
573 service 9-49
N tailoring and clothing alterations
n retouches et couture sur mesure
574 shop 19-89
N sportswear, leggings and training tops
n vêtements de sport, leggings et hauts techniques
575 shop 15-79
N casual clothes: hoodies, chinos and tees
n vêtements décontractés : sweats, chinos et tee-shirts
576 shop 9-35
N organic cotton T-shirts
n tee-shirts en coton bio
291 shop 9-49
N children's clothing and school uniforms
n vêtements pour enfants
577 shop 9-79
N belts, scarves and hats
n ceintures, écharpes et chapeaux
578 shop 49-1499
T engagement rings and diamond jewellery from {p} | gold necklaces, bracelets and earrings
T handmade silver jewellery
X Free engraving and a gift box.
t bagues de fiançailles et bijoux en diamant dès {p}
t colliers, bracelets et boucles d'oreilles en or
t bijoux en argent faits main
x Gravure et écrin offerts.
579 shop 49-999
N rings and wedding bands
n bagues et alliances
580 shop 49-399
N leather handbags and purses
n sacs à main et portefeuilles en cuir
581 shop 5-25
N socks and tights in packs of five
n chaussettes et collants par lots de cinq
582 shop 99-999
T {B} {m} automatic watch
N automatic and quartz watches
t montre automatique {B} {m}
n montres automatiques et à quartz
294 shop 19-59
N fancy dress costumes and party outfits
n déguisements et costumes de fête
583 shop 59-249
N designer glasses frames
n montures de lunettes de créateurs
584 shop 39-199
N polarised sunglasses
n lunettes de soleil polarisées
585 shop 39-179
T sneakers, boots and sandals from {p} | leather loafers and trainers: {d} off
X Free exchanges on every pair of shoes.
t baskets, bottes et sandales dès {p} | mocassins en cuir et sneakers : -{d}
x Échanges gratuits sur chaque paire de chaussures.
586 shop 49-169
N trainers for the gym and the court | cross-training and tennis shoes
n chaussures de sport pour la salle et le terrain | chaussures de training et de tennis
587 shop 79-249
N leather boots and ankle boots
n bottes et bottines en cuir
588 shop 39-129
N canvas sneakers and casual loafers
n chaussures en toile et mocassins décontractés
589 shop 79-399
N evening dresses and tuxedos
n robes de soirée et smokings
590 shop 9-49
N caps, beanies and sun hats
n casquettes, bonnets et chapeaux de soleil
296 shop 29-149
N menswear: shirts, chinos and jackets
n mode homme : chemises, chinos et vestes
591 shop 79-349
N winter coats, parkas and raincoats
n manteaux d'hiver, parkas et imperméables
592 shop 29-99
N chinos, jeans and shorts
n chinos, jeans et shorts
593 shop 19-79
N shirts, blouses and tops
n chemises, blouses et tops
594 shop 19-79
N pyjamas and dressing gowns
n pyjamas et robes de chambre
595 shop 199-799
N tailored suits and office wear
n costumes sur mesure et tenues de bureau
596 shop 19-89
N swimsuits, bikinis and swim shorts
n maillots de bain, bikinis et shorts de bain
597 shop 9-39
N organic cotton underwear
n sous-vêtements en coton bio
598 shop 19-99
N workwear and uniforms for teams
n vêtements de travail et uniformes
298 shop 29-199
N womenswear: dresses, knitwear and coats
n mode femme : robes, mailles et manteaux
599 shop 39-149
N summer dresses and wrap dresses
n robes d'été et robes portefeuille
600 shop 29-99
N midi skirts and pleated skirts
n jupes midi et jupes plissées
293 shop 10-50
T promo codes for 2,000 shops | cashback on every online purchase
X Verified vouchers, updated daily.
t codes promo pour 2 000 boutiques | cashback sur tous vos achats en ligne
x Codes vérifiés et mis à jour chaque jour.
601 shop 19-79
N personalised gifts and gift boxes
n cadeaux personnalisés et coffrets
295 shop 25-69
T flower delivery today from {p} | seasonal bouquets: peonies, tulips and roses
X Hand-tied by our florists and delivered in a vase.
t livraison de fleurs aujourd'hui dès {p} | bouquets de saison : pivoines, tulipes et roses
x Composés par nos fleuristes et livrés avec un vase.
297 shop 5-39
N party supplies: balloons, banners and tableware
n articles de fête : ballons, guirlandes et vaisselle jetable
602 shop 490-4990
N luxury leather goods and fine watches
n maroquinerie de luxe et haute horlogerie
603 shop 19-199
N department store deals on fashion, beauty and home
n grand magasin : mode, beauté et maison
604 service 49-490
N photo and video services
n services photo et vidéo
605 service 290-1990
N wedding photographers and studio portraits
n photographes de mariage et portraits en studio
606 shop 5-49
N photo prints, canvases and photo books
n tirages photo, toiles et livres photo
607 sub 0-5
N price comparisons and honest product reviews
n comparateur de prix et avis sur les produits
608 shop 9-79
T toys for every age from {p} | wooden toys, dolls and plush | building sets and science kits
X Gift wrapping and delivery before the weekend.
t jouets pour tous les âges dès {p} | jouets en bois, poupées et peluches
t jeux de construction et kits scientifiques
x Emballage cadeau et livraison avant le week-end.
# ---- Sports ----
299 shop 19-199
T sportswear and equipment for every sport, from {p} | tickets for the championship final
X Team kits for clubs and leagues.
t vêtements et équipements pour tous les sports dès {p} | billets pour la finale du championnat
x Tenues d'équipe pour les clubs et les ligues.
300 shop 19-199
N American football jerseys, balls and helmets
n maillots, ballons et casques de football américain
301 shop 19-99
N Aussie rules footballs and club merchandise
n ballons et articles de football australien
303 shop 19-199
N baseball gloves, bats and game tickets
n gants, battes et billets de baseball
304 shop 19-199
N basketballs, hoops and basketball shoes
n ballons, paniers et chaussures de basket
609 course 29-59
T boxing and MMA classes: first session free | boxing gloves and sparring gear from {p}
T judo and karate for kids and adults
X Kickboxing, jiu-jitsu and muay thai at our dojo.
t cours de boxe et de MMA : première séance offerte
t gants de boxe et équipement de sparring dès {p}
t judo et karaté pour enfants et adultes
x Kickboxing, jiu-jitsu et muay-thaï dans notre dojo.
309 shop 19-299
N cricket bats, pads and balls
n battes, jambières et balles de cricket
310 shop 49-2999
T road bikes and gravel bikes from {p} | cycling jerseys, bib shorts and helmets
T bikepacking bags for long rides
X Bike fitting, and group rides from the shop every week.
t vélos de route et gravel dès {p} | maillots, cuissards et casques de cyclisme
t sacoches de bikepacking pour les longues sorties
x Étude posturale et sorties en groupe chaque semaine.
315 shop 49-999
T golf clubs and putters from {p} | golf lessons with a pro | green fees and golf breaks
X Custom club fitting and a free lesson.
t clubs et putters de golf dès {p} | cours de golf avec un pro | green fees et séjours golf
x Fitting de clubs sur mesure et un cours offert.
317 shop 19-299
N ice hockey sticks, skates and pads
n crosses, patins et protections de hockey
610 event 49-390
N track days and motorsport tickets
n journées sur circuit et billets de sport automobile
321 event 29-290
N Olympic Games tickets and official merchandise
n billets et produits officiels des Jeux olympiques
322 shop 19-149
N rugby boots, balls and match tickets
n crampons, ballons et billets de rugby
323 shop 59-199
T {B} {m} running shoes from {p} | marathon running shoes with a carbon plate
T running shoes for your first marathon | trail running shoes and running vests
T marathon training plans and running shoes
X Free gait analysis in store, with a 30-day run-test guarantee.
X Cushioned road running shoes for long distances.
X Running club every Tuesday: 5K, 10K and marathon pace groups.
X Race-day shoes tested by marathon runners.
t chaussures de running {B} {m} dès {p} | chaussures de running pour votre premier marathon
t chaussures de trail et gilets d'hydratation
t plans d'entraînement marathon et chaussures de course
x Analyse de foulée offerte en magasin, 30 jours pour tester.
x Chaussures amorties pour la course sur route et les longues distances.
x Club de running le mardi : groupes 10 km, semi et marathon.
323 shop 49-159
T walking shoes and Nordic walking poles from {p} | waterproof walking shoes for long walks
X Lightweight walking shoes with grippy soles and wide toe boxes.
t chaussures de marche et bâtons de marche nordique dès {p} | chaussures de marche imperméables
x Chaussures de marche légères, semelles accrocheuses et chaussant large.
325 shop 29-199
T football boots from {p} | club football shirts and training kits
T five-a-side pitches to book tonight
X Free name and number printing on shirts.
t chaussures de foot dès {p} | maillots de football et tenues d'entraînement
t terrains de foot à 5 à réserver ce soir
x Flocage du nom et du numéro offert.
611 shop 19-199
N sporting goods for team and outdoor sports
n articles de sport pour les sports collectifs et de plein air
612 shop 19-199
N baseball and softball gloves and bats
n gants et battes de baseball et de softball
613 shop 19-499
N golf bags, balls and rangefinders
n sacs, balles et télémètres de golf
614 shop 29-299
N hockey skates, sticks and helmets
n patins, crosses et casques de hockey
615 shop 39-199
N skateboards, decks and protective pads
n skateboards, plateaux et protections
616 shop 9-149
N footballs, goals and shin pads
n ballons, buts et protège-tibias
617 shop 19-149
N squash rackets and balls
n raquettes et balles de squash
618 shop 99-899
N paddleboards, wetsuits and kayaks
n paddles, combinaisons et kayaks
619 shop 99-699
N skis, snowboards and ski boots
n skis, snowboards et chaussures de ski
328 shop 49-249
T tennis rackets from {p}, restrung free | padel and tennis courts to book online
T tennis lessons for adults and juniors
X Racket demo days every weekend.
t raquettes de tennis dès {p}, cordage offert | terrains de padel et de tennis à réserver en ligne
t cours de tennis pour adultes et juniors
x Journées test de raquettes tous les week-ends.
620 course 29-149
T surf lessons and board hire from {p} | kayak and paddleboard rental on the lake
T scuba diving courses for beginners | surf camps in {b}
X Wetsuits included, small groups and qualified instructors.
t cours de surf et location de planches dès {p} | location de kayaks et de paddles sur le lac
t baptêmes de plongée pour débutants | stages de surf {b}
x Combinaison fournie, petits groupes, moniteurs diplômés.
327 course 9-39
T swimming lessons for adults and kids | swim goggles, caps and swimsuits from {p}
T aquafit classes at our pool
X Lanes bookable online, open from 6 am.
t cours de natation pour adultes et enfants | lunettes de natation, bonnets et maillots dès {p}
t cours d'aquagym à la piscine
x Lignes d'eau réservables en ligne, ouvert dès 6 h.
621 course 19-99
N winter sports gear and ice skating lessons
n équipement de sports d'hiver et cours de patinage
324 shop 19-49
T ski and snowboard rental in {s} from {p}/day | ski lessons for beginners in {s}
T {B} {m} all-mountain skis | lift passes for {s}: {d} off online
X Skis delivered to your chalet, boots fitted by experts.
t location de skis et de snowboards à {s} dès {p}/jour | cours de ski pour débutants à {s}
t skis all-mountain {B} {m} | forfaits de ski pour {s} : -{d} en ligne
x Skis livrés au chalet, chaussures ajustées par des experts.
"""
