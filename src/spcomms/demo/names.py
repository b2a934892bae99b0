"""Synthetic names for the demonstration, drawn with Faker in locales that match each State.

Names are written in Latin script, as UN communications transliterate them:
Cyrillic names are transliterated, Chinese and Japanese ones come in Faker's
romanized form, and States without a Latin-script Faker locale borrow a nearby
one. Every Faker instance is seeded from the build seed and its locale, so the
same seed always gives the same names.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from typing import Literal

from faker import Faker

GenderedFirst = Literal["female", "male", "any"]

CYRILLIC = dict(
    zip(
        "абвгдеёжзийклмнопрстуфхцчшщъыьэюяієїґјљњќѓѕџ",
        [
            "a", "b", "v", "g", "d", "e", "e", "zh", "z", "i", "y", "k", "l", "m", "n", "o",
            "p", "r", "s", "t", "u", "f", "kh", "ts", "ch", "sh", "shch", "", "y", "", "e",
            "yu", "ya", "i", "ye", "yi", "g", "j", "lj", "nj", "kj", "gj", "dz", "dzh",
        ],
        strict=True,
    )
)  # fmt: skip


def transliterate(text: str) -> str:
    """Cyrillic to Latin letters, keeping the capitals."""
    out = []
    for char in text:
        latin = CYRILLIC.get(char.lower())
        if latin is None:
            out.append(char)
        elif char.isupper():
            out.append(latin.capitalize())
        else:
            out.append(latin)
    return "".join(out)


@dataclass(frozen=True)
class Profile:
    """How names and languages look for one State."""

    first_locale: str
    last_locale: str
    language: str  # the language of the communication: en, fr or es
    reply_language: str  # ISO 639-1 code of the usual reply language


EN = Profile("en_GB", "en_GB", "en", "en")
FRANCOPHONE_WEST_AFRICA = Profile("fr_FR", "yo_NG", "fr", "fr")
FRANCOPHONE_CENTRAL_AFRICA = Profile("fr_FR", "sw", "fr", "fr")
MAGHREB = Profile("fr_DZ", "fr_DZ", "fr", "fr")
ARAB = Profile("fr_DZ", "fr_DZ", "en", "ar")
SPANISH = Profile("es_CO", "es_CO", "es", "es")
CENTRAL_ASIA = Profile("uz_UZ", "uz_UZ", "en", "ru")
RUSSIAN = Profile("ru_RU", "ru_RU", "en", "ru")

PROFILES: dict[str, Profile] = {
    # Asia-Pacific
    "CHN": Profile("zh_CN", "zh_CN", "en", "zh"),
    "JPN": Profile("ja_JP", "ja_JP", "en", "en"),
    "KOR": Profile("zh_CN", "zh_CN", "en", "en"),
    "PRK": Profile("zh_CN", "zh_CN", "en", "en"),
    "MNG": CENTRAL_ASIA,
    "IND": Profile("en_IN", "en_IN", "en", "en"),
    "NPL": Profile("en_IN", "en_IN", "en", "en"),
    "LKA": Profile("en_IN", "en_IN", "en", "en"),
    "BTN": Profile("en_IN", "en_IN", "en", "en"),
    "PAK": Profile("en_PK", "en_PK", "en", "en"),
    "BGD": Profile("en_PK", "en_PK", "en", "en"),
    "AFG": Profile("en_PK", "en_PK", "en", "en"),
    "MDV": Profile("en_PK", "en_PK", "en", "en"),
    "IDN": Profile("id_ID", "id_ID", "en", "en"),
    "MYS": Profile("id_ID", "id_ID", "en", "en"),
    "BRN": Profile("id_ID", "id_ID", "en", "en"),
    "TLS": Profile("pt_PT", "id_ID", "en", "en"),
    "VNM": Profile("vi_VN", "vi_VN", "en", "en"),
    "THA": Profile("en_TH", "en_TH", "en", "en"),
    "KHM": Profile("en_TH", "en_TH", "en", "en"),
    "LAO": Profile("en_TH", "en_TH", "en", "en"),
    "MMR": Profile("en_TH", "en_TH", "en", "en"),
    "PHL": Profile("en_US", "es_MX", "en", "en"),
    "AUS": Profile("en_AU", "en_AU", "en", "en"),
    "NZL": Profile("en_NZ", "en_NZ", "en", "en"),
    # Middle East and North Africa
    "DZA": MAGHREB,
    "MAR": MAGHREB,
    "TUN": MAGHREB,
    "LBY": Profile("fr_DZ", "fr_DZ", "en", "ar"),
    "IRN": Profile("en_PK", "en_PK", "en", "en"),
    "ISR": Profile("en_US", "en_US", "en", "en"),
    # Africa
    "NGA": Profile("en_NG", "yo_NG", "en", "en"),
    "GHA": Profile("tw_GH", "tw_GH", "en", "en"),
    "LBR": Profile("en_US", "tw_GH", "en", "en"),
    "SLE": Profile("en_US", "tw_GH", "en", "en"),
    "GMB": Profile("ha_NG", "ha_NG", "en", "en"),
    "KEN": Profile("en_KE", "en_KE", "en", "en"),
    "UGA": Profile("en_KE", "sw", "en", "en"),
    "TZA": Profile("sw", "sw", "en", "en"),
    "RWA": Profile("fr_FR", "sw", "fr", "fr"),
    "BDI": FRANCOPHONE_CENTRAL_AFRICA,
    "ETH": Profile("sw", "sw", "en", "en"),
    "ERI": Profile("sw", "sw", "en", "en"),
    "SSD": Profile("en_KE", "sw", "en", "en"),
    "SOM": Profile("ha_NG", "ha_NG", "en", "en"),
    "SDN": Profile("ha_NG", "ha_NG", "en", "ar"),
    "TCD": Profile("ha_NG", "ha_NG", "fr", "fr"),
    "NER": Profile("ha_NG", "ha_NG", "fr", "fr"),
    "MRT": MAGHREB,
    "DJI": Profile("ha_NG", "ha_NG", "fr", "fr"),
    "ZAF": Profile("zu_ZA", "zu_ZA", "en", "en"),
    "ZWE": Profile("en_GB", "zu_ZA", "en", "en"),
    "ZMB": Profile("en_GB", "zu_ZA", "en", "en"),
    "MWI": Profile("en_GB", "zu_ZA", "en", "en"),
    "BWA": Profile("en_GB", "zu_ZA", "en", "en"),
    "LSO": Profile("en_GB", "zu_ZA", "en", "en"),
    "SWZ": Profile("en_GB", "zu_ZA", "en", "en"),
    "NAM": Profile("en_GB", "zu_ZA", "en", "en"),
    "AGO": Profile("pt_PT", "sw", "en", "pt"),
    "MOZ": Profile("pt_PT", "sw", "en", "pt"),
    "GNB": Profile("pt_PT", "yo_NG", "en", "pt"),
    "CPV": Profile("pt_PT", "pt_PT", "en", "pt"),
    "STP": Profile("pt_PT", "pt_PT", "en", "pt"),
    "COD": FRANCOPHONE_CENTRAL_AFRICA,
    "COG": FRANCOPHONE_CENTRAL_AFRICA,
    "CAF": FRANCOPHONE_CENTRAL_AFRICA,
    "GAB": FRANCOPHONE_CENTRAL_AFRICA,
    "CMR": FRANCOPHONE_CENTRAL_AFRICA,
    "GNQ": Profile("es", "sw", "es", "es"),
    "MDG": FRANCOPHONE_CENTRAL_AFRICA,
    "COM": FRANCOPHONE_CENTRAL_AFRICA,
    "SYC": FRANCOPHONE_CENTRAL_AFRICA,
    "MUS": FRANCOPHONE_CENTRAL_AFRICA,
    "SEN": FRANCOPHONE_WEST_AFRICA,
    "MLI": FRANCOPHONE_WEST_AFRICA,
    "BFA": FRANCOPHONE_WEST_AFRICA,
    "CIV": FRANCOPHONE_WEST_AFRICA,
    "GIN": FRANCOPHONE_WEST_AFRICA,
    "BEN": FRANCOPHONE_WEST_AFRICA,
    "TGO": FRANCOPHONE_WEST_AFRICA,
    # Latin America and the Caribbean
    "MEX": Profile("es_MX", "es_MX", "es", "es"),
    "GTM": Profile("es_MX", "es_MX", "es", "es"),
    "HND": Profile("es_MX", "es_MX", "es", "es"),
    "SLV": Profile("es_MX", "es_MX", "es", "es"),
    "NIC": Profile("es_MX", "es_MX", "es", "es"),
    "CRI": Profile("es_MX", "es_MX", "es", "es"),
    "PAN": Profile("es_MX", "es_MX", "es", "es"),
    "CUB": Profile("es", "es", "es", "es"),
    "DOM": Profile("es", "es", "es", "es"),
    "ARG": Profile("es_AR", "es_AR", "es", "es"),
    "URY": Profile("es_AR", "es_AR", "es", "es"),
    "PRY": Profile("es_AR", "es_AR", "es", "es"),
    "CHL": Profile("es_CL", "es_CL", "es", "es"),
    "BRA": Profile("pt_BR", "pt_BR", "en", "pt"),
    "HTI": Profile("fr_FR", "fr_FR", "fr", "fr"),
    "SUR": Profile("nl_NL", "nl_NL", "en", "en"),
    # Europe, North America and Central Asia
    "RUS": RUSSIAN,
    "BLR": RUSSIAN,
    "UKR": Profile("uk_UA", "uk_UA", "en", "en"),
    "MDA": Profile("ro_RO", "ro_RO", "en", "en"),
    "ARM": Profile("ru_RU", "hy_AM", "en", "en"),
    "GEO": Profile("ru_RU", "ru_RU", "en", "en"),
    "AZE": Profile("az_AZ", "az_AZ", "en", "en"),
    "KAZ": CENTRAL_ASIA,
    "KGZ": CENTRAL_ASIA,
    "TJK": CENTRAL_ASIA,
    "TKM": CENTRAL_ASIA,
    "UZB": CENTRAL_ASIA,
    "TUR": Profile("tr_TR", "tr_TR", "en", "en"),
    "USA": Profile("en_US", "en_US", "en", "en"),
    "CAN": Profile("en_CA", "en_CA", "en", "en"),
    "FRA": Profile("fr_FR", "fr_FR", "fr", "fr"),
    "BEL": Profile("fr_BE", "nl_BE", "fr", "fr"),
    "LUX": Profile("fr_FR", "fr_FR", "fr", "fr"),
    "MCO": Profile("fr_FR", "fr_FR", "fr", "fr"),
    "CHE": Profile("de_CH", "de_CH", "fr", "fr"),
    "DEU": Profile("de_DE", "de_DE", "en", "en"),
    "AUT": Profile("de_AT", "de_AT", "en", "en"),
    "LIE": Profile("de_LI", "de_LI", "en", "en"),
    "ESP": Profile("es_ES", "es_ES", "es", "es"),
    "AND": Profile("es_ES", "es_ES", "es", "es"),
    "PRT": Profile("pt_PT", "pt_PT", "en", "pt"),
    "ITA": Profile("it_IT", "it_IT", "en", "en"),
    "SMR": Profile("it_IT", "it_IT", "en", "en"),
    "VAT": Profile("it_IT", "it_IT", "en", "en"),
    "MLT": Profile("mt_MT", "mt_MT", "en", "en"),
    "NLD": Profile("nl_NL", "nl_NL", "en", "en"),
    "POL": Profile("pl_PL", "pl_PL", "en", "en"),
    "CZE": Profile("cs_CZ", "cs_CZ", "en", "en"),
    "SVK": Profile("sk_SK", "sk_SK", "en", "en"),
    "HUN": Profile("hu_HU", "hu_HU", "en", "en"),
    "ROU": Profile("ro_RO", "ro_RO", "en", "en"),
    "BGR": Profile("ro_RO", "bg_BG", "en", "en"),
    "HRV": Profile("hr_HR", "hr_HR", "en", "en"),
    "SRB": Profile("hr_HR", "hr_HR", "en", "en"),
    "BIH": Profile("hr_HR", "hr_HR", "en", "en"),
    "MNE": Profile("hr_HR", "hr_HR", "en", "en"),
    "SVN": Profile("sl_SI", "sl_SI", "en", "en"),
    "MKD": Profile("hr_HR", "mk_MK", "en", "en"),
    "ALB": Profile("it_IT", "hr_HR", "en", "en"),
    "GRC": Profile("en_GB", "en_GB", "en", "en"),
    "CYP": Profile("en_GB", "en_GB", "en", "en"),
    "IRL": Profile("en_IE", "ga_IE", "en", "en"),
    "GBR": Profile("en_GB", "en_GB", "en", "en"),
    "DNK": Profile("da_DK", "da_DK", "en", "en"),
    "NOR": Profile("no_NO", "no_NO", "en", "en"),
    "SWE": Profile("sv_SE", "sv_SE", "en", "en"),
    "FIN": Profile("fi_FI", "fi_FI", "en", "en"),
    "ISL": Profile("is_IS", "is_IS", "en", "en"),
    "EST": Profile("et_EE", "et_EE", "en", "en"),
    "LVA": Profile("lv_LV", "lv_LV", "en", "en"),
    "LTU": Profile("lt_LT", "lt_LT", "en", "en"),
}

REGION_DEFAULTS = {
    "asia_pacific": Profile("en_IN", "en_IN", "en", "en"),
    "middle_east_north_africa": ARAB,
    "africa": Profile("en_KE", "en_KE", "en", "en"),
    "latin_america_caribbean": SPANISH,
    "europe_north_america_central_asia": EN,
}
ENGLISH_CARIBBEAN = frozenset(
    {"ATG", "BHS", "BLZ", "BRB", "DMA", "GRD", "GUY", "JAM", "KNA", "LCA", "TTO", "VCT"}
)
ROMANIZED = frozenset({"zh_CN", "ja_JP"})
CYRILLIC_LOCALES = frozenset({"ru_RU", "uk_UA", "bg_BG", "mk_MK"})
# Faker's Armenian locale writes in Armenian script: its surnames are borrowed in
# transliteration from a small list instead.
ARMENIAN_SURNAMES = ("Avagyan", "Grigoryan", "Hakobyan", "Harutyunyan", "Petrosyan", "Sargsyan")


def profile(iso3: str, region: str) -> Profile:
    if iso3 in PROFILES:
        return PROFILES[iso3]
    if iso3 in ENGLISH_CARIBBEAN:
        return Profile("en_GB", "en_GB", "en", "en")
    return REGION_DEFAULTS.get(region, EN)


class NameSource:
    """Seeded Faker instances, one per locale, created on first use."""

    def __init__(self, seed: int) -> None:
        self._seed = seed
        self._fakers: dict[str, Faker] = {}

    def _faker(self, locale: str) -> Faker:
        faker = self._fakers.get(locale)
        if faker is None:
            faker = Faker(locale)
            faker.seed_instance(zlib.crc32(f"{self._seed}:{locale}".encode()))
            self._fakers[locale] = faker
        return faker

    def first_name(self, locale: str, gender: GenderedFirst) -> str:
        faker = self._faker(locale)
        if locale in ROMANIZED:
            return str(faker.first_romanized_name())
        if gender == "female":
            name = str(faker.first_name_female())
        elif gender == "male":
            name = str(faker.first_name_male())
        else:
            name = str(faker.first_name())
        return transliterate(name) if locale in CYRILLIC_LOCALES else name

    def last_name(self, locale: str) -> str:
        faker = self._faker(locale)
        if locale in ROMANIZED:
            return str(faker.last_romanized_name())
        if locale == "hy_AM":
            return str(faker.random_element(ARMENIAN_SURNAMES))
        name = str(faker.last_name())
        return transliterate(name) if locale in CYRILLIC_LOCALES else name

    def person_name(self, shape: Profile, gender: GenderedFirst) -> str:
        first = self.first_name(shape.first_locale, gender)
        last = self.last_name(shape.last_locale)
        if shape.first_locale in ROMANIZED:
            return f"{last} {first}"
        return f"{first} {last}"

    def place(self, shape: Profile) -> str:
        """A surname to stand in for a place or an organisation's namesake."""
        return self.last_name(shape.last_locale)
