"""The made-up district: its schools, the families on its roster (students with photos and
the contacts on their records), its staff, and its kiosk's languages and welcome texts.
Deterministic for a seed."""

from __future__ import annotations

import io
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cache

from frontdesk.db.models import StaffRole
from frontdesk.district_settings import DistrictSettings, TextKey, default_settings
from frontdesk.names import fold_name
from frontdesk.resources import data_dir

REFERENCE_DAY = date(2026, 9, 1)
"""Birthdates are drawn against a fixed school year, so a seed always gives the same roster."""

DEMO_PARENT_PASSWORD = "owl-parent-portal-2026"
"""Every demo parent account signs in with this."""

GRADES = ("K", "1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12")
_SCHOOL_PLACES = (
    "Owl Creek",
    "Cypress",
    "Heron Bay",
    "Magnolia",
    "Palmetto",
    "Live Oak",
    "Sawgrass",
    "Pelican",
    "Osprey",
    "Bayou",
    "Cedar Key",
    "Manatee",
)
_SCHOOL_KINDS = ("Elementary School", "Middle School", "High School", "K-8 Academy")
_DOMAINS = ("example.com", "example.org", "example.net", "mail.example")


@dataclass(frozen=True)
class DemoStaff:
    """A demo staff account, printed when the demo opens."""

    username: str
    display_name: str
    role: StaffRole
    password: str
    pin: str
    schools: int
    """How many of the first schools this account serves (clerks only)."""


DEMO_STAFF = (
    DemoStaff("clerk", "Carmen Clerk", StaffRole.CLERK, "copper-kettle-harbor-26", "246810", 2),
    DemoStaff("support", "Sam Support", StaffRole.SUPPORT, "quiet-maple-lantern-26", "135790", 0),
    DemoStaff("admin", "Ada Admin", StaffRole.ADMIN, "amber-river-atlas-26", "975310", 0),
)


DEMO_LANGUAGES = ["en", "es", "ht", "pt_BR", "vi"]
"""The kiosk's language bar: English, then the district's families' languages, most spoken
first (a Florida district: Spanish, Haitian Creole, Brazilian Portuguese, Vietnamese)."""

DEMO_TEXTS: dict[str, dict[TextKey, str]] = {
    "en": {
        TextKey.WELCOME_TITLE: "Owl County Schools: Parent Portal Registration",
        TextKey.WELCOME_MESSAGE: (
            "Welcome, families. Here you can create your parent portal account, add your "
            "children who attend our schools, and apply to enroll a new child. If you need "
            "help, please ask at the front office."
        ),
        TextKey.NEW_ACCOUNT_BUTTON: (
            "I do not have a parent portal account yet, and my child is enrolled"
        ),
        TextKey.ADD_CHILD_BUTTON: "I have a parent portal account and want to add a child",
        TextKey.FORGOT_PASSWORD_BUTTON: "I forgot my password and need a new one",
    },
    "es": {
        TextKey.WELCOME_TITLE: "Escuelas del Condado de Owl: inscripción en el portal para padres",
        TextKey.WELCOME_MESSAGE: (
            "Les damos la bienvenida a todas las familias. Aquí puede crear su cuenta del "
            "portal para padres, agregar a sus hijos que asisten a nuestras escuelas y "
            "solicitar la inscripción de un nuevo hijo. Si necesita ayuda, pregunte en la "
            "oficina principal."
        ),
        TextKey.NEW_ACCOUNT_BUTTON: (
            "Todavía no tengo una cuenta del portal para padres y mi hijo ya está inscrito"
        ),
        TextKey.ADD_CHILD_BUTTON: (
            "Ya tengo una cuenta del portal para padres y quiero agregar a un hijo"
        ),
        TextKey.FORGOT_PASSWORD_BUTTON: "Olvidé mi contraseña y necesito una nueva",
    },
    "ht": {
        TextKey.WELCOME_TITLE: "Lekòl Konte Owl: enskripsyon nan pòtay paran an",
        TextKey.WELCOME_MESSAGE: (
            "Byenveni, fanmi yo. Isit la ou ka kreye kont ou nan pòtay paran an, ajoute "
            "pitit ou ki ale nan lekòl nou yo, epi mande enskripsyon pou yon nouvo pitit. Si "
            "ou bezwen èd, tanpri mande nan biwo prensipal la."
        ),
        TextKey.NEW_ACCOUNT_BUTTON: (
            "Mwen poko gen yon kont nan pòtay paran an, epi pitit mwen deja enskri"
        ),
        TextKey.ADD_CHILD_BUTTON: (
            "Mwen gen yon kont nan pòtay paran an epi mwen vle ajoute yon pitit"
        ),
        TextKey.FORGOT_PASSWORD_BUTTON: "Mwen bliye modpas mwen epi mwen bezwen yon nouvo",
    },
    "pt_BR": {
        TextKey.WELCOME_TITLE: "Escolas do Condado de Owl: cadastro no Portal dos Pais",
        TextKey.WELCOME_MESSAGE: (
            "Boas-vindas às famílias! Aqui você pode criar sua conta no Portal dos Pais, "
            "adicionar seus filhos que estudam em nossas escolas e solicitar a matrícula de "
            "um novo filho. Se precisar de ajuda, fale com a secretaria da escola."
        ),
        TextKey.NEW_ACCOUNT_BUTTON: (
            "Ainda não tenho conta no Portal dos Pais e meu filho já está matriculado"
        ),
        TextKey.ADD_CHILD_BUTTON: "Já tenho conta no Portal dos Pais e quero adicionar um filho",
        TextKey.FORGOT_PASSWORD_BUTTON: "Esqueci minha senha e preciso de uma nova",
    },
    "vi": {
        TextKey.WELCOME_TITLE: "Học khu Quận Owl: Đăng ký Cổng thông tin Phụ huynh",
        TextKey.WELCOME_MESSAGE: (
            "Kính chào quý phụ huynh. Tại đây, quý vị có thể tạo tài khoản trên Cổng thông "
            "tin Phụ huynh, thêm con em đang học tại các trường của chúng tôi, và nộp đơn ghi "
            "danh cho một học sinh mới. Nếu cần giúp đỡ, xin vui lòng hỏi văn phòng nhà "
            "trường."
        ),
        TextKey.NEW_ACCOUNT_BUTTON: (
            "Tôi chưa có tài khoản trên Cổng thông tin Phụ huynh và con tôi đã được ghi danh"
        ),
        TextKey.ADD_CHILD_BUTTON: (
            "Tôi đã có tài khoản trên Cổng thông tin Phụ huynh và muốn thêm con"
        ),
        TextKey.FORGOT_PASSWORD_BUTTON: "Tôi quên mật khẩu và cần tạo mật khẩu mới",
    },
}
"""The demo district's own wording of its welcome screen, in each of its languages (R1)."""


def demo_settings() -> DistrictSettings:
    """The demo district's settings: a new district's, offering five languages, each with the
    district's own welcome texts."""
    return DistrictSettings.model_validate(
        {
            **default_settings().model_dump(),
            "languages": DEMO_LANGUAGES,
            "default_language": "en",
            "texts": DEMO_TEXTS,
        }
    )


@dataclass
class DemoOptions:
    """How big a district to make."""

    students: int = 300
    seed: int = 1
    pending: int | None = None
    """Pending child links to make (default: one for every eight students)."""
    photos: bool | None = None
    """Give students photos (default: only in districts of up to 5,000 students)."""

    @property
    def schools(self) -> int:
        return max(4, self.students // 2000)

    @property
    def pending_links(self) -> int:
        return self.students // 8 if self.pending is None else self.pending

    @property
    def with_photos(self) -> bool:
        return self.students <= 5000 if self.photos is None else self.photos


@dataclass
class DemoStudent:
    id: int
    number: str
    school: int
    first_name: str
    last_name: str
    birthdate: date
    grade: str
    active: bool
    ssn_last4: str | None
    photo: bytes | None


@dataclass
class DemoContact:
    first_name: str
    last_name: str
    relationship: str
    email: str | None
    phone: str | None
    portal_access: bool


@dataclass
class Family:
    """Siblings and the contacts on each of their records."""

    index: int
    children: list[DemoStudent]
    contacts: list[DemoContact]


@dataclass
class DemoSummary:
    """What the demo made."""

    schools: int = 0
    students: int = 0
    contacts: int = 0
    parents: int = 0
    pending_links: int = 0
    staff: list[DemoStaff] = field(default_factory=list)


@cache
def _names(file: str) -> tuple[str, ...]:
    lines = (data_dir() / "names" / file).read_text(encoding="utf-8").splitlines()
    return tuple(line for line in lines if line and not line.startswith("#"))


def school_list(count: int) -> list[tuple[str, str]]:
    """``(code, name)`` of the demo schools."""
    schools = []
    for i in range(count):
        place = _SCHOOL_PLACES[i % len(_SCHOOL_PLACES)]
        kind = _SCHOOL_KINDS[(i // len(_SCHOOL_PLACES) + i) % len(_SCHOOL_KINDS)]
        suffix = f" {i // len(_SCHOOL_PLACES) + 1}" if i >= len(_SCHOOL_PLACES) else ""
        schools.append((f"{101 + i:04d}", f"{place} {kind}{suffix}"))
    return schools


def _photo(rng: random.Random) -> bytes:
    """A small drawn portrait placeholder (a real district's photos come from the SIS)."""
    from PIL import Image, ImageDraw

    background = tuple(rng.randrange(150, 230) for _ in range(3))
    skin = rng.choice(
        [(241, 194, 125), (224, 172, 105), (198, 134, 66), (141, 85, 36), (255, 219, 172)]
    )
    hair = rng.choice([(40, 30, 20), (90, 60, 30), (200, 160, 80), (20, 20, 20), (120, 40, 20)])
    shirt = tuple(rng.randrange(30, 200) for _ in range(3))
    image = Image.new("RGB", (36, 48), background)
    draw = ImageDraw.Draw(image)
    draw.ellipse((4, 34, 32, 62), fill=shirt)
    draw.ellipse((10, 8, 26, 30), fill=skin)
    draw.chord((9, 5, 27, 24), 180, 360, fill=hair)
    buffer = io.BytesIO()
    image.save(buffer, "PNG", optimize=True)
    return buffer.getvalue()


def _family_name(rng: random.Random) -> str:
    family = _names("family.txt")
    name = rng.choice(family)
    if rng.random() < 0.08:  # double-barrelled, as many Spanish and English families write it
        other = rng.choice(family)
        if other != name and " " not in other and " " not in name:
            name = f"{name}-{other}"
    return name


def _email(first: str, last: str, family_index: int, rng: random.Random) -> str:
    local = f"{fold_name(first)}.{fold_name(last)}{family_index}"
    return f"{local}@{rng.choice(_DOMAINS)}"


def _phone(rng: random.Random) -> str:
    return f"({rng.randrange(200, 999)}) 555-{rng.randrange(0, 10000):04d}"


def families(options: DemoOptions) -> Iterator[Family]:
    """The district's families, siblings sharing the contacts on their records."""
    rng = random.Random(options.seed)
    given = _names("given.txt")
    next_id = 1
    index = 0
    while next_id <= options.students:
        index += 1
        last = _family_name(rng)
        count = min(
            rng.choices((1, 2, 3, 4), weights=(50, 32, 13, 5))[0], options.students - next_id + 1
        )
        children = []
        names = rng.sample(given, count)  # siblings are not named alike
        for first_name in names:
            grade_index = rng.randrange(len(GRADES))
            born = REFERENCE_DAY - timedelta(days=365 * (5 + grade_index) + rng.randrange(365))
            children.append(
                DemoStudent(
                    id=next_id,
                    number=f"{1_000_000 + next_id}",
                    school=rng.randrange(options.schools),
                    first_name=first_name,
                    last_name=last,
                    birthdate=born,
                    grade=GRADES[grade_index],
                    active=rng.random() >= 0.03,
                    ssn_last4=f"{rng.randrange(10000):04d}" if rng.random() < 0.85 else None,
                    photo=_photo(rng) if options.with_photos else None,
                )
            )
            next_id += 1
        contacts = []
        single = rng.random() < 0.2
        for relationship in ("Mother",) if single else ("Mother", "Father"):
            # Some parents keep their own family name.
            family = last if rng.random() < 0.8 else _family_name(rng)
            first = rng.choice(given)
            contacts.append(
                DemoContact(
                    first_name=first,
                    last_name=family,
                    relationship=relationship,
                    email=_email(first, family, index, rng) if rng.random() >= 0.1 else None,
                    phone=_phone(rng),
                    portal_access=rng.random() >= 0.05,
                )
            )
        if rng.random() < 0.3:
            first = rng.choice(given)
            contacts.append(
                DemoContact(
                    first,
                    rng.choice(_names("family.txt")),
                    rng.choice(("Grandmother", "Grandfather", "Aunt", "Uncle", "Neighbor")),
                    None,
                    _phone(rng),
                    False,
                )
            )
        yield Family(index, children, contacts)
