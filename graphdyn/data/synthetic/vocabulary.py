"""Words the generator builds names from: companies, people, products."""

from __future__ import annotations

import numpy as np

COMPANY_WORDS = (
    "Acme", "Northwind", "Blue Harbor", "Redwood", "Silverline", "Granite", "Evergreen",
    "Summit", "Lakeside", "Ironbridge", "Brightwater", "Falcon", "Harbourview", "Kestrel",
    "Meridian", "Oakridge", "Pinecrest", "Quantum", "Riverbend", "Sterling", "Tidewater",
    "Westfield", "Yellowstone", "Zenith", "Atlas", "Beacon", "Cobalt", "Driftwood", "Ember",
    "Foxglove", "Glacier", "Horizon", "Juniper", "Keystone", "Lighthouse", "Magnolia",
    "Nimbus", "Orchard", "Polaris", "Sequoia", "Müller", "Ørsted", "Søndergaard",
    "Łukasiewicz", "São Bento", "Zürich", "Évora", "Nguyễn", "Kraków", "Málaga", "Göteborg",
    "Citroën", "Dvořák", "Ångström", "O'Brien", "D'Amico", "O'Neill", "L'Étoile",
    "Smith, Jones", "Baker, Lee", 'Café "Le Nord"', "Østergaard", "Ferreira", "Takahashi",
)  # fmt: skip
COMPANY_TRADES = (
    "Logistics", "Foods", "Analytics", "Bau", "Textiles", "Pharma", "Robotics", "Energy",
    "Media", "Retail", "Partners", "Holdings", "Systems", "Consulting", "Manufacturing",
    "Health", "Capital", "Engineering", "Labs", "Studios", "Mining", "Marine", "Aerospace",
    "Hospitality", "Insurance", "Telecom", "Software", "Packaging", "Chemicals", "Farms",
    "Motors", "Biotech", "Freight", "Furniture", "Apparel", "Optics", "Metals", "Paper",
    "Water", "Brewing",
)  # fmt: skip
LEGAL_FORMS = (
    "", " Ltd", " GmbH", ", Inc.", ", LLC", " AG", " S.A.", " AB", " Oy", " K.K.", " & Co.",
    " S.r.l.", " B.V.", " Pty Ltd",
)  # fmt: skip
FIRST_NAMES = (
    "Anna", "Ben", "Chloé", "David", "Elif", "Farah", "Gustavo", "Hannah", "Ivan", "José",
    "Kateřina", "Liam", "Mei", "Nils", "Olivia", "Pedro", "Quinn", "Renée", "Sven", "Thảo",
    "Ulla", "Víctor", "Wen", "Xavier", "Yusuf", "Zoë", "Aisha", "Björn", "Carlos", "Dorota",
    "Emeka", "Fatima", "Grace", "Hiroshi", "Ingrid", "Jürgen", "Kwame", "Lucía", "Mateo",
    "Núria", "Oskar", "Priya", "Rafael", "Siobhán", "Tomás", "Uma", "Valentina", "Wojciech",
)  # fmt: skip
LAST_NAMES = (
    "O'Connor", "Müller", "García", "Nakamura", "Okafor", "Dubois", "Kowalski", "Nguyễn",
    "Smith", "Johansson", "Rossi", "Ivanova", "Fernández", "Kim", "Patel", "Schmidt", "Silva",
    "Jensen", "Novák", "Haddad", "Yılmaz", "Andersson", "Brennan", "Costa", "D'Souza", "Eriksen",
    "Fischer", "Gonçalves", "Hughes", "Ishikawa", "Jovanović", "Khan", "Larsen", "Moreau",
    "Nieminen", "Ó Ceallaigh", "Petrov", "Quintero", "Ramírez", "Sato", "Tanaka", "Urban",
    "Varga", "Walsh", "Xu", "Young", "Zielińska", "Åberg",
)  # fmt: skip
PRODUCT_WORDS = (
    "Nimbus", "Aurora", "Vertex", "Helix", "Orion", "Pulse", "Nova", "Apex", "Stratus",
    "Cirrus", "Lumen", "Vector", "Atlas", "Zephyr", "Quasar", "Sierra", "Delta", "Echo",
    "Titan", "Vela", "Lyra", "Cobalt", "Ember", "Onyx", "Jade", "Polar", "Solstice", "Equinox",
    "Borealis", "Kōdo",
)  # fmt: skip
CATEGORIES = ("software", "hardware", "subscription", "services", "training", "accessories")
CATEGORY_MEDIAN_PRICE = np.array([2400.0, 850.0, 320.0, 6500.0, 900.0, 45.0])
PRODUCT_NOUNS = (
    ("Ledger", 0), ("Insight", 0), ("Planner", 0), ("Studio", 0), ("Gateway", 0), ("Vault", 0),
    ("Router", 1), ("Sensor", 1), ("Terminal", 1), ("Scanner", 1), ("Printer", 1),
    ("Cloud Plan", 2), ("Data Feed", 2), ("Care Plan", 2),
    ("Implementation", 3), ("Migration", 3), ("Audit", 3),
    ("Academy Course", 4), ("Workshop", 4), ("Certification", 4),
    ("Cable Kit", 5), ("Mount", 5), ("Battery Pack", 5), ("Adapter", 5),
)  # fmt: skip
