"""Regenerates data/destinations.csv: every ISO 3166-1 country with its AI Diffusion rule tier.

    pip install pycountry==26.2.16 && python3 data/tools/destinations.py > data/destinations.csv

Tier 1: paragraph (a) of Supplement No. 5 to part 740 (90 FR 4544), plus the United States.
Tier 3: Country Group D:5 (Supplement No. 1 to part 740) and Macau. Tier 2: everyone else.
The D:5 membership below is the list as commonly quoted; it could not be checked against the
current supplement here, so every tier-3 row except Macau says so in its note.
"""
import csv
import sys

import pycountry

TIER1 = {  # Supplement No. 5 to part 740, paragraph (a), plus the United States
    "AU", "BE", "CA", "DK", "FI", "FR", "DE", "IE", "IT", "JP", "NL", "NZ", "NO", "KR", "ES",
    "SE", "TW", "GB", "US",
}
D5 = {  # Country Group D:5 as commonly quoted (24 names)
    "AF", "BY", "MM", "KH", "CF", "CN", "CD", "CU", "CY", "ER", "HT", "IR", "IQ", "LB", "LY",
    "NI", "KP", "RU", "SO", "SS", "SD", "SY", "VE", "ZW",
}
TIER1_SOURCE = "90 FR 4544, Supplement No. 5 to part 740, paragraph (a) (the United States: the exporting country)"
D5_NOTE = ("D:5 as commonly quoted (24 names; versions of 22 and 23 circulate, differing on "
           "Cyprus and Nicaragua): not confirmed against the current Supplement No. 1 to part 740")

w = csv.writer(sys.stdout, lineterminator="\n")
w.writerow(["code", "name", "tier", "source", "note"])
for c in sorted(pycountry.countries, key=lambda c: c.alpha_2):
    code = c.alpha_2
    if code in TIER1:
        tier, source, note = 1, TIER1_SOURCE, ""
    elif code == "MO":
        tier, source, note = 3, "90 FR 4544: Macau is treated with Country Group D:5", ""
    elif code in D5:
        tier, source, note = 3, "Supplement No. 1 to part 740, Country Group D:5", D5_NOTE
    else:
        tier, source, note = 2, "90 FR 4544: destinations in neither Supplement No. 5 (a) nor D:5/Macau", ""
    w.writerow([code, getattr(c, "common_name", c.name), tier, source, note])
