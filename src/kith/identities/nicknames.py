"""Given names and their usual short forms, so ``Bill`` can match ``William`` and ``Kathi`` ``Katharina``.

The table is written for Kith (no third-party list is copied; it is part of Kith's own licence) from
common usage in the languages of the people Kith's users talk to: German, English, Dutch, French,
Spanish, Italian, Polish, Turkish and Scandinavian. Each line is a group of names that one person may use
interchangeably; a name can be in several groups (``Alex``: Alexander and Alexandra). Keys are folded
(:func:`kith.identities.transliterate.fold`), so ``Jürgen`` and ``Juergen`` both find their group.
Extend it by adding a line: the first name of a line is the group's canonical form.
"""

from __future__ import annotations

from functools import lru_cache

from kith.identities.transliterate import fold_variants

GROUPS = (
    "william bill billy will willy wilhelm willi",
    "robert bob bobby rob robbie bert",
    "richard rick ricky dick rich",
    "elizabeth liz lizzy beth betty eliza elisabeth lisa liesel lies",
    "margaret maggie meg peggy greta grete gretchen margarete margarethe",
    "katharina kathi kati katja kathrin katrin kathrina catherine katherine kate katie cathy kasia katarzyna",
    "johannes hans hannes jo johann jan john johnny jack",
    "jonathan jon jonny",
    "joseph josef joe sepp seppi beppe jose pepe",
    "michael michi micha mike mikey mick michal",
    "alexander alex alexandre alejandro alessandro sascha sasha alek aleksander aleksandr",
    "alexandra alex alexa sandra sasha aleksandra",
    "christian chris christl",
    "christina christine chris tina kristina",
    "christopher chris kit topher",
    "thomas tom tommy thom tomasz",
    "matthias matthew matt mats matthies mathieu mateo",
    "nikolaus nikolai nicholas nick nico niko klaus niklas mikolaj nicolas",
    "andreas andrew andy andre andres",
    "stefan stephan steffen steve steven stephen esteban",
    "sebastian basti bastian seb",
    "benjamin ben benny",
    "daniel dan danny dani",
    "david dave davy",
    "samuel sam sammy",
    "maximilian max maxi",
    "friedrich fritz fred freddy frederick",
    "heinrich heinz henry hank harry hein",
    "wolfgang wolf wolfi",
    "juergen jurgen jorg joerg george georg jorge giorgos yiorgos",
    "patrick paddy pat",
    "philipp philip phil pip felipe",
    "tobias tobi toby",
    "florian flo",
    "lukas lucas luke luca",
    "leonhard leonard leo leon",
    "anna anne anni annie ann hanna hannah ania anja",
    "susanne susan sue susi suzanne",
    "barbara babs barbie basia",
    "franziska franzi fran frances",
    "magdalena magda lena leni madeleine",
    "helena helene lena lene ellen elena",
    "theresa teresa resi tessa terry",
    "valentina vale tina",
    "victoria viktoria vicky tori",
    "jennifer jenny jen",
    "jessica jess jessie",
    "rebecca becky becca",
    "charlotte lotte lottie charlie",
    "caroline carolina carol caro lina",
    "sophie sophia sofia sofie",
    "amelia amy millie",
    "emily emilia emma emmi",
    "julia julie jule",
    "juliane julia jule",
    "johanna hanna jo hanne",
    "ursula uschi ulla",
    "dorothea dora thea dorothy",
    "manuel manu",
    "francisco paco pancho frank",
    "franz frank franco francesco francois",
    "giuseppe beppe peppe joseph",
    "ivan iwan ivo",
    "dmitriy dmitri dima",
    "aleksey alexei alyosha lyosha",
    "mustafa musti",
    "mehmet memo",
)


@lru_cache(maxsize=1)
def _index() -> dict[str, frozenset[str]]:
    groups: dict[str, set[str]] = {}
    for line in GROUPS:
        names = line.split()
        for name in names:
            groups.setdefault(name, set()).add(names[0])
    return {name: frozenset(canon) for name, canon in groups.items()}


def given_name_forms(name: str | None) -> frozenset[str]:
    """The foldings of a given name plus the canonical names of every group it is in."""
    forms: set[str] = set()
    for variant in fold_variants(name):
        forms.add(variant)
        forms.update(_index().get(variant, ()))
    return frozenset(forms)


def same_given_name(left: str | None, right: str | None) -> str | None:
    """``"exact"`` when the foldings meet, ``"nickname"`` when only their groups do, else ``None``."""
    a, b = fold_variants(left), fold_variants(right)
    if not a or not b:
        return None
    if a & b:
        return "exact"
    return "nickname" if given_name_forms(left) & given_name_forms(right) else None
