"""The synthetic city's places: kelurahan profiles, puskesmas catchments, posyandu and street names.

The kelurahan codes and names are the real Kemendagri ones (loaded by
:func:`tumbuh.areas.services.load_areas`); the puskesmas names are those of
docs/domain-indonesia.md §8.3. Everything else here is **made up for the demo**: the relative
number of under-fives (``weight``) and the ``disadvantage`` index (0 = best served, 1 = worst),
which drives stunting, drinking water and sanitation, are plausible guesses (peri-urban and
coastal stilt-house kelurahan worse off, the centre better), not statistics of Balikpapan.
"""

from __future__ import annotations

from dataclasses import dataclass

CITY_CODE = "64.71"


@dataclass(frozen=True)
class KelurahanProfile:
    code: str
    name: str
    #: Relative number of under-fives (synthetic).
    weight: float
    #: 0 (best served) .. 1 (worst): stunting level, water and sanitation (synthetic).
    disadvantage: float

    @property
    def kecamatan_code(self) -> str:
        return self.code[:8]


KELURAHAN: tuple[KelurahanProfile, ...] = (
    # Balikpapan Timur: coastal and peri-urban east
    KelurahanProfile("64.71.01.1001", "Manggar", 4.5, 0.50),
    KelurahanProfile("64.71.01.1002", "Lamaru", 1.8, 0.70),
    KelurahanProfile("64.71.01.1003", "Teritip", 1.2, 0.85),
    KelurahanProfile("64.71.01.1004", "Manggar Baru", 2.5, 0.40),
    # Balikpapan Barat: the bay, stilt houses over the water, the industrial north-west
    KelurahanProfile("64.71.02.1001", "Baru Ilir", 1.8, 0.70),
    KelurahanProfile("64.71.02.1002", "Baru Tengah", 1.6, 0.80),
    KelurahanProfile("64.71.02.1003", "Baru Ulu", 2.5, 0.55),
    KelurahanProfile("64.71.02.1004", "Kariangau", 1.2, 0.95),
    KelurahanProfile("64.71.02.1005", "Margo Mulyo", 1.8, 0.50),
    KelurahanProfile("64.71.02.1006", "Marga Sari", 1.6, 0.80),
    # Balikpapan Utara: large, fast-growing
    KelurahanProfile("64.71.03.1001", "Batu Ampar", 4.5, 0.50),
    KelurahanProfile("64.71.03.1002", "Gunung Samarinda", 1.7, 0.35),
    KelurahanProfile("64.71.03.1003", "Karang Joang", 4.5, 0.85),
    KelurahanProfile("64.71.03.1004", "Muara Rapak", 3.5, 0.45),
    KelurahanProfile("64.71.03.1005", "Gunung Samarinda Baru", 2.0, 0.30),
    KelurahanProfile("64.71.03.1006", "Graha Indah", 2.5, 0.40),
    # Balikpapan Tengah: dense, older town
    KelurahanProfile("64.71.04.1001", "Gunung Sari Ulu", 2.0, 0.30),
    KelurahanProfile("64.71.04.1002", "Gunung Sari Ilir", 2.2, 0.35),
    KelurahanProfile("64.71.04.1003", "Karang Rejo", 2.0, 0.50),
    KelurahanProfile("64.71.04.1004", "Karang Jati", 2.0, 0.60),
    KelurahanProfile("64.71.04.1005", "Mekar Sari", 1.8, 0.40),
    KelurahanProfile("64.71.04.1006", "Sumber Rejo", 2.0, 0.45),
    # Balikpapan Selatan: newer residential areas, the airport
    KelurahanProfile("64.71.05.1002", "Sepinggan", 3.0, 0.40),
    KelurahanProfile("64.71.05.1006", "Gunung Bahagia", 2.5, 0.10),
    KelurahanProfile("64.71.05.1008", "Sepinggan Baru", 2.5, 0.25),
    KelurahanProfile("64.71.05.1009", "Sepinggan Raya", 2.0, 0.35),
    KelurahanProfile("64.71.05.1010", "Sungai Nangka", 2.0, 0.40),
    KelurahanProfile("64.71.05.1011", "Damai Baru", 1.8, 0.20),
    KelurahanProfile("64.71.05.1012", "Damai Bahagia", 1.8, 0.30),
    # Balikpapan Kota: the centre
    KelurahanProfile("64.71.06.1001", "Prapatan", 1.2, 0.45),
    KelurahanProfile("64.71.06.1002", "Telaga Sari", 1.8, 0.30),
    KelurahanProfile("64.71.06.1003", "Klandasan Ulu", 2.0, 0.35),
    KelurahanProfile("64.71.06.1004", "Klandasan Ilir", 2.0, 0.20),
    KelurahanProfile("64.71.06.1005", "Damai", 2.0, 0.05),
)


@dataclass(frozen=True)
class PuskesmasPlan:
    name: str
    kecamatan_code: str
    #: The kelurahan it serves; the first is the one it stands in.
    catchment: tuple[str, ...]


#: The puskesmas of domain-indonesia.md §8.3, each serving the kelurahan it is named after and,
#: where a kelurahan has no puskesmas of its own, a neighbouring one (neighbours read off the
#: shipped kelurahan boundaries). Every kelurahan is in exactly one catchment.
PUSKESMAS: tuple[PuskesmasPlan, ...] = (
    PuskesmasPlan("Manggar", "64.71.01", ("64.71.01.1001",)),
    PuskesmasPlan("Manggar Baru", "64.71.01", ("64.71.01.1004",)),
    PuskesmasPlan("Lamaru", "64.71.01", ("64.71.01.1002",)),
    PuskesmasPlan("Teritip", "64.71.01", ("64.71.01.1003",)),
    PuskesmasPlan("Baru Ulu", "64.71.02", ("64.71.02.1003",)),
    PuskesmasPlan("Kariangau", "64.71.02", ("64.71.02.1004",)),
    PuskesmasPlan("Baru Tengah", "64.71.02", ("64.71.02.1002",)),
    PuskesmasPlan("Baru Ilir", "64.71.02", ("64.71.02.1001",)),
    PuskesmasPlan("Margasari", "64.71.02", ("64.71.02.1006", "64.71.02.1005")),
    PuskesmasPlan("Karang Joang", "64.71.03", ("64.71.03.1003",)),
    PuskesmasPlan("Muara Rapak", "64.71.03", ("64.71.03.1004", "64.71.03.1001")),
    PuskesmasPlan("Graha Indah", "64.71.03", ("64.71.03.1006",)),
    PuskesmasPlan("Gunung Samarinda", "64.71.03", ("64.71.03.1002", "64.71.03.1005")),
    PuskesmasPlan("Mekar Sari", "64.71.04", ("64.71.04.1005",)),
    PuskesmasPlan("Gunung Sari Ilir", "64.71.04", ("64.71.04.1002", "64.71.04.1001")),
    PuskesmasPlan("Karang Jati", "64.71.04", ("64.71.04.1004",)),
    PuskesmasPlan("Karang Rejo", "64.71.04", ("64.71.04.1003",)),
    PuskesmasPlan("Sumber Rejo", "64.71.04", ("64.71.04.1006",)),
    PuskesmasPlan("Sepinggan Baru", "64.71.05", ("64.71.05.1008",)),
    # Sungai Nangka and Damai Bahagia have no puskesmas of their own (§8.3): both border
    # Gunung Bahagia's neighbours, and Gunung Bahagia is the nearest.
    PuskesmasPlan(
        "Gunung Bahagia",
        "64.71.05",
        ("64.71.05.1006", "64.71.05.1011", "64.71.05.1010", "64.71.05.1012"),
    ),
    PuskesmasPlan("Sepinggan", "64.71.05", ("64.71.05.1002", "64.71.05.1009")),
    PuskesmasPlan("Klandasan Ilir", "64.71.06", ("64.71.06.1004", "64.71.06.1003")),
    PuskesmasPlan("Telaga Sari", "64.71.06", ("64.71.06.1002",)),
    PuskesmasPlan("Prapatan", "64.71.06", ("64.71.06.1001",)),
    PuskesmasPlan("Damai", "64.71.06", ("64.71.06.1005",)),
)

#: Posyandu are named after flowers and fruit, numbered within the kelurahan ("Melati 1").
POSYANDU_NAMES: tuple[str, ...] = (
    "Melati", "Mawar", "Anggrek", "Kenanga", "Dahlia", "Cempaka", "Teratai", "Flamboyan",
    "Seroja", "Kamboja", "Tulip", "Bougenville", "Aster", "Nusa Indah", "Kemuning", "Asoka",
    "Bakung", "Alamanda", "Edelweis", "Lavender", "Matahari", "Sakura", "Delima", "Durian",
    "Rambutan", "Mangga", "Jeruk", "Nangka", "Belimbing", "Salak", "Manggis", "Sirsak",
    "Cempedak", "Pepaya", "Jambu", "Kasturi", "Kelengkeng", "Srikaya", "Nanas", "Pisang",
    "Kasih Ibu", "Permata Hati", "Tunas Harapan", "Bunda",
)  # fmt: skip

#: The demo kader's posyandu: the first posyandu of this kelurahan gets this name.
KADER_KELURAHAN = "64.71.01.1001"  # Manggar
KADER_POSYANDU_NAME = "Melati 1"

STREETS: tuple[str, ...] = (
    "Jl. Mulawarman", "Jl. Soekarno-Hatta", "Jl. MT Haryono", "Jl. Jenderal Sudirman",
    "Jl. Marsma R. Iswahyudi", "Jl. Ahmad Yani", "Jl. Letjen Suprapto", "Jl. Gajah Mada",
    "Jl. Pupuk Raya", "Jl. Manunggal", "Jl. Prona", "Jl. Mayjend Sutoyo", "Jl. Pattimura",
    "Jl. Pelita", "Jl. Perintis", "Jl. Swadaya", "Jl. Gotong Royong", "Jl. Nusantara",
    "Jl. Merdeka", "Jl. Pramuka", "Jl. Mahakam", "Jl. Kutai", "Jl. Cendana", "Jl. Beringin",
    "Jl. Damai", "Jl. Sepakat", "Jl. Bhayangkara", "Jl. Sidomulyo", "Jl. Batu Butok",
    "Jl. Telindung", "Jl. Graha Asri", "Jl. Borneo", "Jl. Flores", "Jl. Sulawesi",
    "Jl. Kalimantan", "Jl. Sumatera", "Jl. Inpres", "Jl. Cemara", "Jl. Kenari", "Jl. Rapak Indah",
)  # fmt: skip

LANES: tuple[str, ...] = (
    "Gg. Mawar", "Gg. Melati", "Gg. Keluarga", "Gg. Rukun", "Gg. Sederhana", "Gg. Bersama",
    "Gg. Mufakat", "Gg. Harapan", "Gg. Family", "Gg. Amal", "Gg. Sabar", "Gg. Ikhlas",
)  # fmt: skip
