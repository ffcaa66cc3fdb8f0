"""Write screening_eval.csv: listed names and the ways evaders write them, and near misses.

Run from the repository root: ``python kyc/tests/data/screening_eval_build.py``. The set is made from
the forms, not from one name: every listed party below goes through every form that fits it.
Columns: form, expected (hit or miss), query, query_country, listed_name, listed_type,
listed_country. A true match expects the listed entry among the hits; a near miss expects
no hit at all.
"""

import csv
import itertools
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from confusable_homoglyphs import categories, confusables

OUTPUT = Path(__file__).resolve().parent / "screening_eval.csv"


@dataclass(frozen=True)
class Person:
    surname: str
    given: str
    country: str
    female: bool = False
    # Other spellings evaders use: the name written in another transliteration, and in its own script.
    variants: tuple[str, ...] = ()
    native: str = ""
    honorific: str = "Mr"
    # A given name written in several words that are one name (Korean "Jong Un").
    first_name: str = ""
    # Names that share more than a surname with the listed one and are someone else (the
    # Vietnamese middle names Van and Thi are borne by millions).
    near_misses: tuple[str, ...] = ()


@dataclass(frozen=True)
class Entity:
    name: str
    country: str
    # Names that share a generic word with the listed one and must not match.
    near_misses: tuple[str, ...] = field(default_factory=tuple)
    # The listed name written as evaders would.
    evasions: tuple[str, ...] = field(default_factory=tuple)


PEOPLE = [
    Person(
        "PUTIN",
        "Vladimir Vladimirovich",
        "RU",
        variants=("Wladimir Poetin", "Vladimir Poutine", "Wladimir Wladimirowitsch Putin"),
        native="Владимир Владимирович Путин",
    ),
    Person(
        "MEDVEDEV",
        "Dmitry Anatolyevich",
        "RU",
        variants=("Dmitri Medvedev", "Dmitriy Medwedew", "Dmitrij Medwedjew"),
        native="Дмитрий Анатольевич Медведев",
    ),
    Person("SHOIGU", "Sergei Kuzhugetovich", "RU", variants=("Sergey Schoigu",), native="Сергей Шойгу"),
    Person("LAVROV", "Sergey Viktorovich", "RU", variants=("Sergei Lawrow",), native="Сергей Лавров"),
    Person(
        "PRIGOZHIN",
        "Yevgeniy Viktorovich",
        "RU",
        variants=("Evgeny Prigojine", "Yevgeny Prigozhin"),
        native="Евгений Пригожин",
    ),
    Person(
        "ROTENBERG", "Arkady Romanovich", "RU", variants=("Arkadi Rotenberg",), native="Аркадий Ротенберг"
    ),
    Person("DERIPASKA", "Oleg Vladimirovich", "RU", variants=("Oleg Deripasca",), native="Олег Дерипаска"),
    Person("KADYROV", "Ramzan Akhmatovich", "RU", variants=("Ramsan Kadirow",), native="Рамзан Кадыров"),
    Person(
        "LUKASHENKO",
        "Alexander Grigoryevich",
        "BY",
        variants=("Aleksandr Lukashenko", "Alexandr Lukaschenko"),
        native="Александр Лукашенко",
    ),
    Person("AL-ASSAD", "Bashar Hafez", "SY", variants=("Bashar al-Asad", "Bachar el-Assad"), honorific="Dr"),
    Person("NASRALLAH", "Hassan", "LB", variants=("Hasan Nasrallah", "Hassan Nasralla"), honorific="Sheikh"),
    Person("SOLEIMANI", "Qasem", "IR", variants=("Qassem Soleimani", "Kassem Soleimani"), honorific="Haji"),
    Person(
        "AL-ZAWAHIRI", "Ayman Muhammad", "EG", variants=("Aiman al-Zawahiri", "Ayman Mohammed al-Zawahiri")
    ),
    Person(
        "QADHAFI",
        "Muammar Muhammad",
        "LY",
        variants=("Muammar Gaddafi", "Moammar Qadafi", "Muammar al-Qaddafi"),
    ),
    Person("BIN LADIN", "Usama", "SA", variants=("Osama bin Laden", "Usama Bin Laden", "Osama Binladin")),
    Person("HAMDAN", "Mohammed Yousef", "AE", variants=("Muhammad Yusuf Hamdan", "Mohamed Yousef Hamdan")),
    Person("MADURO MOROS", "Nicolás", "VE", variants=("Nicolas Maduro Moros", "Nikolas Maduro")),
    Person("CABELLO RONDÓN", "Diosdado", "VE", variants=("Diosdado Cabello Rondon",)),
    Person("GUZMÁN LOERA", "Joaquín Archivaldo", "MX", variants=("Joaquin Guzman Loera", "Joaquin Guzmán")),
    Person("ORTEGA SAAVEDRA", "José Daniel", "NI", variants=("Jose Daniel Ortega",)),
    Person(
        "MURILLO ZAMBRANA", "Rosario María", "NI", female=True, variants=("Rosario Murillo",), honorific="Mrs"
    ),
    Person("LI", "Fangwei", "CN", variants=("Li Fang Wei", "Fang-Wei Li")),
    Person("ZHANG", "Yuquan", "CN", variants=("Zhang Yu Quan", "Yu-Quan Zhang")),
    Person("KIM", "Jong Un", "KP", variants=("Kim Jong-un", "Kim Jongun"), first_name="Jong Un"),
    Person("CHOE", "Ryong Hae", "KP", variants=("Choe Ryong-hae", "Choi Ryong Hae"), first_name="Ryong Hae"),
    Person(
        "NGUYEN",
        "Van Thang",
        "VN",
        variants=("Nguyễn Văn Thắng", "Thang Nguyen"),
        first_name="Van Thang",
        near_misses=("Nguyen Van Minh", "Mr Nguyen Van Hung Trading"),
    ),
    Person(
        "TRAN",
        "Thi Huong",
        "VN",
        female=True,
        variants=("Trần Thị Hương",),
        honorific="Ms",
        first_name="Thi Huong",
        near_misses=("Tran Thi Mai", "Ms Tran Thi Lan"),
    ),
    Person("HARGREAVES", "Thomas Edward", "GB", variants=("Tom Edward Hargreaves", "Thomas E. Hargreaves")),
    Person("ABRAMOVA", "Yelena Sergeyevna", "RU", female=True, variants=("Elena Abramova",), honorific="Ms"),
]

ENTITIES = [
    Entity(
        "ROSOBORONEXPORT OAO",
        "RU",
        near_misses=("Rosexport Trading OAO", "Oboronprom Holdings"),
        evasions=(
            "Rosoboronexport",
            "Rosoboronexport Trading LLC",
            "OAO Rosoboron-Export",
            "Rosoboron Export",
        ),
    ),
    Entity(
        "BANK ROSSIYA",
        "RU",
        near_misses=("Bank of America", "Rossiya Airlines", "Deutsche Bank AG"),
        evasions=("Rossiya Bank", "Bank Rossiya Holding", "AO Bank Rossiya"),
    ),
    Entity(
        "MAHAN AIR",
        "IR",
        near_misses=("Air Berlin GmbH", "Mahan Trading Company", "Iran Air"),
        evasions=("Mahan Air Ltd", "Mahan Airlines Air", "Air Mahan"),
    ),
    Entity(
        "PMC WAGNER",
        "RU",
        near_misses=("Wagner Logistics GmbH", "Richard Wagner Foundation", "PMC Holdings Ltd"),
        evasions=("Wagner PMC", "PMC Wagner Group", "Wagner P.M.C. LLC"),
    ),
    Entity(
        "DANDONG HONGXIANG INDUSTRIAL DEVELOPMENT CO LTD",
        "CN",
        near_misses=("Dandong Trading Co Ltd", "Shanghai Industrial Development Co Ltd"),
        evasions=(
            "Dandong Hongxiang Industrial Development Company Limited",
            "Hongxiang Industrial Development Dandong",
        ),
    ),
    Entity(
        "PETROLEOS DE VENEZUELA, S.A.",
        "VE",
        near_misses=("Petroleos Mexicanos SA", "Banco de Venezuela SA"),
        evasions=("Petróleos de Venezuela", "Petroleos Venezuela SA Holding", "PETROLEOS DE VENEZUELA S.A."),
    ),
    Entity(
        "KOREA KWANGSON BANKING CORP",
        "KP",
        near_misses=("Korea Development Bank", "Korea Exchange Banking Corp"),
        evasions=("Kwangson Banking Corporation", "Korea Kwangson Banking Corporation Ltd"),
    ),
    Entity(
        "SOVCOMFLOT PJSC",
        "RU",
        near_misses=("Sovcombank PJSC", "Aeroflot PJSC"),
        evasions=("Sovcomflot", "PAO Sovcomflot", "Sovcomflot Shipping Group", "Sovcom Flot"),
    ),
    Entity(
        "BANK MELLI IRAN",
        "IR",
        near_misses=("Bank of Iran", "Iran Bank Holding"),
        evasions=("Bank Melli", "Melli Bank of Iran", "Bank-e Melli Iran"),
    ),
    Entity(
        "ISLAMIC REPUBLIC OF IRAN SHIPPING LINES",
        "IR",
        near_misses=("Shipping Lines Ltd", "Republic Shipping Lines Co"),
        evasions=("Islamic Republic Iran Shipping Lines Co", "Iran Shipping Lines Islamic Republic"),
    ),
    Entity(
        "KOREA RYONBONG GENERAL CORPORATION",
        "KP",
        near_misses=("Korea General Corporation", "General Trading Corporation of Korea"),
        evasions=("Ryonbong General Corp", "Korea Ryonbong General Corp."),
    ),
    Entity(
        "HAMAS",
        "PS",
        near_misses=("Hamad Trading LLC", "Hama Steel Co"),
        evasions=("Hamas Foundation", "Hamas Charitable Trust"),
    ),
]

TITLES = ["Mr", "Dr", "Sheikh", "Sir"]
SUFFIXES = ["Jr", "Sr", "II", "III", "Jr."]
COMPANY_WORDS = [
    "Holding",
    "Holdings",
    "Group",
    "LLC",
    "L.L.C.",
    "Ltd",
    "Co",
    "Company",
    "GmbH",
    "SA",
    "Foundation",
    "Trust",
    "and Co",
    "& Co",
]
# Names that appear nowhere in the list: the other half of each near miss.
OTHER_SURNAMES = [
    "Smith",
    "Fischer",
    "Haddad",
    "Fernandez",
    "Wang",
    "Yoon",
    "Novak",
    "Jensen",
    "Okafor",
    "Moreau",
]
OTHER_GIVEN = ["Anna", "Peter", "Laila", "Carlos", "Mei", "Min-jun", "Ivana", "Lars", "Chidi", "Claire"]


def _lookalikes(script: str) -> dict[str, str]:
    """Latin letter -> a letter of ``script`` that Unicode's confusables data says is drawn like it."""
    found: dict[str, str] = {}
    for char, homoglyphs in confusables.confusables_data.items():
        if len(char) != 1 or categories.alias(char) != script or len(homoglyphs) != 1:
            continue
        target = homoglyphs[0]["c"]
        if len(target) == 1 and target.isascii() and target.isalpha():
            found.setdefault(target, char)
    # The capital I is drawn like the class whose prototype is a small l.
    if "l" in found and "I" not in found:
        found["I"] = found["l"]
    return found


LISU, CHEROKEE, CYRILLIC = _lookalikes("LISU"), _lookalikes("CHEROKEE"), _lookalikes("CYRILLIC")


def _plain(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))


def _written_in(text: str, letters: dict[str, str]) -> str | None:
    """``text`` with every letter swapped for its look-alike, or None if one has none."""
    out = []
    for char in _plain(text):
        if char.isalpha():
            if char not in letters:
                return None
            out.append(letters[char])
        else:
            out.append(char)
    return "".join(out)


def _title_case(words: str) -> str:
    return " ".join(part.capitalize() if part.isupper() else part for part in words.split())


def _person_rows(person: Person, index: int) -> list[tuple]:
    listed = f"{person.surname}, {person.given}"
    given = person.given.split()
    first, middle = (person.first_name, []) if person.first_name else (given[0], given[1:])
    surname = _title_case(person.surname)
    full = f"{person.given} {surname}"
    short = f"{first} {surname}"
    elsewhere = "DE" if person.country != "DE" else "FR"
    rows = [
        ("exact", "hit", full, person.country),
        ("listed_form", "hit", listed, ""),
        ("reversed", "hit", f"{surname} {person.given}", ""),
        ("reversed", "hit", f"{surname}, {first}", ""),
        ("title", "hit", f"{person.honorific} {short}", elsewhere),
        ("title", "hit", f"{TITLES[index % len(TITLES)]} {full}", ""),
        ("suffix", "hit", f"{short} {SUFFIXES[index % len(SUFFIXES)]}", elsewhere),
        ("company_word", "hit", f"{short} {COMPANY_WORDS[index % len(COMPANY_WORDS)]}", person.country),
        ("company_word", "hit", f"{full} {COMPANY_WORDS[(index + 7) % len(COMPANY_WORDS)]}", elsewhere),
        ("title_and_company", "hit", f"{person.honorific} {surname} {first} Holdings Ltd", elsewhere),
        ("extra_word", "hit", f"{short} Import Export", elsewhere),
        ("glued", "hit", f"{first}{surname}".replace(" ", ""), ""),
        ("glued_reversed", "hit", f"{surname}{first}".replace(" ", ""), elsewhere),
        ("case_and_accents", "hit", _plain(full).upper(), ""),
        ("case_and_accents", "hit", full.lower(), ""),
        ("country_mismatch", "hit", full, elsewhere),
    ]
    if middle:
        rows += [
            ("missing_middle_name", "hit", short, ""),
            ("initial_middle_name", "hit", f"{first} {middle[0][0]}. {surname}", elsewhere),
        ]
    rows += [("transliteration", "hit", variant, elsewhere) for variant in person.variants]
    if person.native:
        rows.append(("native_script", "hit", person.native, elsewhere))
        native_words = person.native.split()
        rows.append(("native_script_reversed", "hit", f"{native_words[-1]} {native_words[0]}", ""))
        rows.append(("latin_and_native_mixed", "hit", f"{first} {native_words[-1]}", elsewhere))
    lisu_full = _written_in(short.upper(), LISU)
    if lisu_full:
        rows.append(("lisu", "hit", lisu_full, ""))
    lisu_surname = _written_in(surname.upper(), LISU)
    if lisu_surname:
        rows.append(("lisu_surname", "hit", f"{first} {lisu_surname}", elsewhere))
    cherokee = _written_in(surname.upper(), CHEROKEE)
    if cherokee:
        rows.append(("cherokee_surname", "hit", f"{first} {cherokee}", elsewhere))
    cyrillic = _written_in(surname.lower(), CYRILLIC)
    if cyrillic:
        rows.append(("cyrillic_lookalike_surname", "hit", f"{first} {cyrillic}", elsewhere))
    # One Cyrillic letter inside each Latin word that has one to swap.
    mixed = " ".join(
        word.replace(
            next(c for c in word if c in "aeopc"), CYRILLIC[next(c for c in word if c in "aeopc")], 1
        )
        if any(c in "aeopc" for c in word)
        else word
        for word in _plain(short).lower().split()
    )
    rows.append(("mixed_script", "hit", mixed, ""))
    if lisu_full:
        rows.append(("lisu_with_latin_title", "hit", f"Mr {lisu_full} Holdings", ""))

    other_surname = OTHER_SURNAMES[index % len(OTHER_SURNAMES)]
    other_given = OTHER_GIVEN[index % len(OTHER_GIVEN)]
    rows += [
        ("near_miss_shared_given_name", "miss", f"{first} {other_surname}", person.country),
        ("near_miss_shared_given_name", "miss", f"Mr {first} {other_surname} Holdings", person.country),
        ("near_miss_shared_surname", "miss", f"{other_given} {surname}", person.country),
        (
            "near_miss_shared_surname",
            "miss",
            f"{other_given} {_title_case(person.surname.split()[0])} Ltd",
            "",
        ),
        ("near_miss_given_name_alone", "miss", f"Dr {first}", person.country),
    ]
    rows += [("near_miss_more_than_a_surname", "miss", miss, person.country) for miss in person.near_misses]
    if middle:
        rows.append(
            ("near_miss_given_names_without_surname", "miss", f"{person.given} Trading", person.country)
        )
    return [(*row, listed, "individual", person.country) for row in rows]


def _entity_rows(entity: Entity) -> list[tuple]:
    elsewhere = "DE" if entity.country != "DE" else "FR"
    rows = [
        ("entity_exact", "hit", entity.name, entity.country),
        ("entity_case", "hit", entity.name.title(), elsewhere),
    ]
    rows += [("entity_evasion", "hit", evasion, elsewhere) for evasion in entity.evasions]
    rows += [("near_miss_company_generic_word", "miss", miss, entity.country) for miss in entity.near_misses]
    return [(*row, entity.name, "entity", entity.country) for row in rows]


def main() -> None:
    rows = list(itertools.chain.from_iterable(_person_rows(p, i) for i, p in enumerate(PEOPLE)))
    rows += itertools.chain.from_iterable(_entity_rows(entity) for entity in ENTITIES)
    with OUTPUT.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(
            ["form", "expected", "query", "query_country", "listed_name", "listed_type", "listed_country"]
        )
        writer.writerows(rows)
    print(f"{len(rows)} pairs written to {OUTPUT}")


if __name__ == "__main__":
    main()
