"""Made-up Indonesian names, NIK, KK and phone numbers for the synthetic city.

Balikpapan is a city of migrants (Javanese, Bugis, Banjar, Toraja, Batak, Dayak, Kutai and
others), so the name lists mix their naming habits. Every name is assembled at random from
these lists; any likeness to a real person is chance.

Identity numbers follow the structure of docs/domain-indonesia.md §9.1 and are valid for
:mod:`tumbuh.registry.nik`: ``64 71 KK DDMMYY SSSS`` with 40 added to the day for women, a
serial from 0001, unique within the city.
"""

from __future__ import annotations

import datetime as dt

import numpy as np

MALE_FIRST = (
    "Ahmad", "Muhammad", "Budi", "Agus", "Andi", "Rudi", "Joko", "Hendra", "Rahmat", "Arif",
    "Dedi", "Eko", "Fajar", "Hadi", "Irfan", "Iwan", "Yusuf", "Syamsul", "Herman", "Sugeng",
    "Bambang", "Slamet", "Wahyu", "Rizal", "Taufik", "Ilham", "Firman", "Ridwan", "Hamdani",
    "Syahrir", "Akhmad", "Abdul", "Rusdi", "Supriadi", "Darmawan", "Nurdin", "Mansyur",
    "Jumadi", "Gusti", "Dimas", "Bayu", "Yohanes", "Markus", "Samuel", "Stefanus", "Daniel",
    "Heru", "Aris", "Yudi", "Rahmadi", "Fahmi", "Zulkifli", "Samsudin", "Hasanuddin", "Kadir",
)  # fmt: skip
MALE_LAST = (
    "Santoso", "Saputra", "Pratama", "Wibowo", "Setiawan", "Hidayat", "Nugroho", "Kurniawan",
    "Hasan", "Rahman", "Syahputra", "Firmansyah", "Gunawan", "Siregar", "Simanjuntak",
    "Nasution", "Lubis", "Tandiarrang", "Pasolang", "Sitompul", "Wijaya", "Halim", "Effendi",
    "Hamzah", "Ramadhan", "Maulana", "Hakim", "Sulaiman", "Arsyad", "Noor", "Fauzi", "Baso",
    "Mappasessu", "Prasetyo", "Susanto", "Hermawan", "Purnomo", "Sembiring", "Manurung",
    "Tarigan", "Rangga", "Latief", "Syarifuddin", "Anwar", "Jamaluddin",
)  # fmt: skip
FEMALE_FIRST = (
    "Siti", "Nur", "Sri", "Dewi", "Rina", "Wati", "Yuni", "Fitri", "Nurhayati", "Sulastri",
    "Aminah", "Fatimah", "Halimah", "Mariani", "Suryani", "Lestari", "Wulan", "Indah", "Ayu",
    "Ratna", "Novi", "Desi", "Eka", "Yanti", "Rusmini", "Herlina", "Hasnah", "Rosdiana",
    "Jumiati", "Nurul", "Ika", "Maya", "Anita", "Putri", "Erna", "Mega", "Dian", "Kartini",
    "Marlina", "Asmawati", "Syamsiah", "Hartini", "Suwarni", "Yohana", "Maria", "Agustina",
    "Theresia", "Magdalena", "Rahma", "Nadia", "Fitria", "Riska", "Winda", "Lusiana",
)  # fmt: skip
FEMALE_LAST = (
    "Rahmawati", "Handayani", "Lestari", "Wahyuni", "Sari", "Purnamasari", "Susanti",
    "Anggraini", "Safitri", "Yuliana", "Kusuma", "Puspita", "Hasanah", "Aisyah", "Nurjanah",
    "Fitriani", "Ramadhani", "Oktaviani", "Permatasari", "Wulandari", "Pertiwi", "Maharani",
    "Rosita", "Marwah", "Sitorus", "Tandilino", "Hairani", "Noorhasanah", "Rusdiana",
    "Kurniasih", "Setyaningsih", "Agustina", "Novitasari", "Febriani", "Hidayati",
)  # fmt: skip
BOY_FIRST = (
    "Muhammad", "Arkan", "Alvaro", "Rafa", "Rizky", "Azka", "Arsyad", "Zidan", "Raffi", "Kenzo",
    "Abizar", "Athar", "Shaka", "Arga", "Gibran", "Bima", "Dafa", "Fathan", "Hafiz", "Ibrahim",
    "Keanu", "Malik", "Naufal", "Rayyan", "Sultan", "Yusuf", "Zayn", "Emir", "Alif", "Elvano",
    "Akbar", "Farel", "Kevin", "Nathan", "Galang", "Aditya", "Fadhil", "Haikal", "Rehan",
)  # fmt: skip
BOY_LAST = (
    "Al Fatih", "Putra", "Pratama", "Ramadhan", "Al Ghifari", "Azzam", "Syahputra", "Maulana",
    "Alfarizi", "Saputra", "Wijaya", "Hidayat", "Kurniawan", "Abqori", "Arrasyid", "Dirgantara",
    "Prasetya", "Nugraha", "Firmansyah", "Akbar", "Mahendra", "Rafisqy",
)  # fmt: skip
GIRL_FIRST = (
    "Aisyah", "Alesha", "Arsyila", "Azzahra", "Khanza", "Kirana", "Nadhira", "Naura", "Qiana",
    "Shanum", "Syakira", "Zahra", "Almahyra", "Aqila", "Adzkia", "Hana", "Humaira", "Kayla",
    "Keisha", "Nayla", "Nafisa", "Ralin", "Sabrina", "Safa", "Zalfa", "Mikhayla", "Felicia",
    "Clarissa", "Gracia", "Anindya", "Cahaya", "Dinda", "Fatimah", "Nabila", "Salsabila",
)  # fmt: skip
GIRL_LAST = (
    "Putri", "Az-Zahra", "Nur Aini", "Salsabila", "Ayudia", "Kamila", "Rahmadani", "Anindita",
    "Ramadhani", "Maharani", "Azzahra", "Humaira", "Khairunnisa", "Safitri", "Kusuma",
    "Wulandari", "Pertiwi", "Anggraini", "Rahmawati", "Nurhaliza", "Zhafira",
)  # fmt: skip

#: Mobile prefixes after the leading 08 (Telkomsel, Indosat, XL, Tri, Smartfren, Axis).
PHONE_PREFIXES = (
    "11", "12", "13", "21", "22", "23", "52", "53", "51", "14", "15", "16", "55", "56", "57",
    "58", "17", "18", "19", "59", "77", "78", "81", "82", "83", "95", "96", "97", "98", "99",
    "31", "32", "38",
)  # fmt: skip


def pick(rng: np.random.Generator, options: tuple[str, ...], n: int) -> list[str]:
    return [options[i] for i in rng.integers(0, len(options), n)]


def adult_names(rng: np.random.Generator, sex: np.ndarray) -> list[str]:
    """One "First Last" name per person; ``sex`` holds "M"/"F"."""
    n = len(sex)
    m_first, m_last = pick(rng, MALE_FIRST, n), pick(rng, MALE_LAST, n)
    f_first, f_last = pick(rng, FEMALE_FIRST, n), pick(rng, FEMALE_LAST, n)
    return [
        f"{m_first[i]} {m_last[i]}" if sex[i] == "M" else f"{f_first[i]} {f_last[i]}"
        for i in range(n)
    ]


def child_names(rng: np.random.Generator, sex: np.ndarray) -> list[str]:
    n = len(sex)
    b_first, b_last = pick(rng, BOY_FIRST, n), pick(rng, BOY_LAST, n)
    g_first, g_last = pick(rng, GIRL_FIRST, n), pick(rng, GIRL_LAST, n)
    return [
        f"{b_first[i]} {b_last[i]}" if sex[i] == "M" else f"{g_first[i]} {g_last[i]}"
        for i in range(n)
    ]


def phones(rng: np.random.Generator, n: int, *, share: float) -> list[str]:
    """Mobile numbers such as 081234567890; a number is left blank with 1 - ``share``."""
    prefixes = pick(rng, PHONE_PREFIXES, n)
    digits = rng.integers(0, 100_000_000, n)
    has = rng.random(n) < share
    return [f"08{prefixes[i]}{digits[i]:08d}" if has[i] else "" for i in range(n)]


class SerialNumbers:
    """Unique 16-digit NIK and KK numbers: ``PPKKCC`` + ``DDMMYY`` + a serial from 0001.

    Serials are handed out per 12-digit prefix, starting at a random small number and rising
    with small gaps, so numbers look like real ones and never repeat.
    """

    def __init__(self, rng: np.random.Generator):
        self._rng = rng
        self._next: dict[str, int] = {}

    def _serial(self, prefix: str) -> str:
        current = self._next.get(prefix)
        if current is None:
            current = int(self._rng.integers(1, 400))
        self._next[prefix] = current + int(self._rng.integers(1, 6))
        return f"{prefix}{current:04d}"

    def nik(self, kecamatan_code: str, birth_date: dt.date, sex: str) -> str:
        """``kecamatan_code`` like ``64.71.03``; women get 40 added to the day."""
        day = birth_date.day + (40 if sex == "F" else 0)
        region = kecamatan_code.replace(".", "")
        return self._serial(f"{region}{day:02d}{birth_date:%m%y}")

    def kk(self, kecamatan_code: str, issued_on: dt.date) -> str:
        region = kecamatan_code.replace(".", "")
        return self._serial(f"{region}{issued_on:%d%m%y}")
