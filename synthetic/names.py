"""Name, place and organisation vocabularies, with skewed (Zipf) frequencies.

Lists are ordered roughly by frequency in England and Wales so that a Zipf
weight by rank makes common names collide, as they do in real data. Groups
follow broad ethnicity so names and ethnicity codes go together.
"""

from __future__ import annotations

from functools import cache

import numpy as np


def words(text: str) -> list[str]:
    """Whitespace-separated words, first occurrence only, in order."""
    return list(dict.fromkeys(text.split()))


SURNAMES = {
    "british": """Smith Jones Williams Taylor Brown Davies Evans Wilson Thomas Johnson Roberts
        Robinson Thompson Wright Walker White Edwards Hughes Green Hall Lewis Harris Clarke
        Patel Jackson Wood Turner Martin Cooper Hill Ward Morris Moore Clark Lee King Baker
        Harrison Morgan Allen James Scott Phillips Watson Davis Parker Price Bennett Young
        Griffiths Mitchell Kelly Cook Carter Richardson Bailey Collins Bell Shaw Murphy Miller
        Cox Richards Khan Marshall Anderson Simpson Ellis Adams Singh Begum Wilkinson Foster
        Chapman Powell Webb Rogers Gray Mason Ali Hunt Hussain Campbell Matthews Owen Palmer
        Holmes Mills Barnes Knight Lloyd Butler Russell Barker Fisher Stevens Jenkins Murray
        Dixon Harvey Graham Pearson Ahmed Fletcher Walsh Kaur Gibson Howard Andrews Stewart
        Elliott Reynolds Saunders Payne Fox Ford Pearce Day Brooks West Lawrence Cole Atkinson
        Bradley Spencer Gill Dawson Ball Burton O'Brien Watts Rose Booth Perry Ryan Grant Wells
        Armstrong Francis Rees Hayes Hart Hudson Newman Barrett Webster Hunter Gregory Carr
        Lowe Page Marsh Riley Dunn Woods Parsons Berry Stone Reid Holland Hawkins Harding
        Porter Robertson Newton Oliver Reed Kennedy Williamson Bird Gardner Shah Dean Lane
        Cooke Bates Henderson Parry Burgess Bishop Walton Burns Nicholson Shepherd Ross Cross
        Long Freeman Warren Nicholls Hamilton Byrne Sutton McDonald Yates Hodgson Robson Curtis
        Hopkins O'Connor Harper Coleman Watkins Moss McCarthy Chambers O'Neill Griffin Sharp
        Hardy Wheeler Potter Osborne Johnston Gordon Doyle Wallace George Jordan Hutchinson
        Rowe Burke May Pritchard Gilbert Willis Higgins Read Miles Stevenson Stephenson Hammond
        Arnold Buckley Walters Hewitt Barber Nelson Slater Austin Sullivan Whitehead Mann
        Frost Lambert Stephens Blake Akhtar Lynch Goodwin Barton Woodward Thomson Cunningham
        Quinn Barnett Baxter Bibi Clayton Nash Greenwood Jennings Holt Kemp Poole Gallagher
        Bond Stokes Tucker Davidson Fowler Heath Norman Middleton Lawson Banks French Stanley
        Jarvis Gibbs Ferguson Hayward Carroll Douglas Dickinson Todd Barlow Peters Lucas
        Knowles Hartley Miah Simmons Morton Alexander Field Morrison Norris Townsend Preston
        Hancock Thornton Baldwin Burrows Briggs Storey Pickering Dalton Mellor Molloy""",
    "south_asian": """Patel Khan Ali Hussain Ahmed Singh Begum Kaur Shah Akhtar Miah Bibi Mahmood
        Iqbal Rahman Islam Uddin Malik Hussein Sharma Mohammed Mistry Chowdhury Aslam Hassan
        Rashid Saleem Parmar Gill Sandhu Anwar Kumar Bains Dhillon Sidhu Bashir Javed Mehta
        Qureshi Butt Riaz Yousaf Nawaz Ahmad Chauhan Sohal Mann Lal Karim""",
    "black": """Williams Brown Campbell Johnson Smith Thomas Francis Clarke Grant Robinson
        Okafor Adeyemi Mensah Okoro Asante Boateng Owusu Mohamed Hassan Ali Abdi Osei Adebayo
        Oyelaran Ogunleye Bailey Henry Richards Reid Lewis Green Walker Edwards Simpson
        Douglas Morgan Ellis Francis James Nwosu Eze Nkemelu Kamara Conteh Sesay Jalloh""",
    "east_european": """Kowalski Nowak Wisniewski Wojcik Kowalczyk Kaminski Lewandowski
        Zielinski Szymanski Wozniak Popescu Ionescu Popa Stan Dumitru Petrov Ivanov Kazlauskas
        Jankauskas Petrauskas Horvath Nagy Kovacs Berzins Ozols Balode Novak Dvorak""",
}

MALE_FORENAMES = {
    "british": """David John Michael Paul Andrew Mark James Richard Robert Christopher Daniel
        Peter Stephen Thomas Matthew Anthony Steven Jason Lee Darren Craig Ian Simon Gary
        Wayne Kevin Martin Dean Carl Scott Shaun Ryan Jamie Adam Luke Liam Nathan Jack Joshua
        Kieran Connor Callum Jordan Aaron Ben Benjamin Samuel Joseph William George Harry
        Charlie Oliver Alexander Alan Brian Keith Stuart Neil Colin Graham Philip Nicholas
        Jonathan Timothy Jake Lewis Bradley Dale Karl Barry Terence Raymond Gordon Kenneth
        Ronald Patrick Sean Tony Jonathan Edward Henry Leon Reece Tyler Kyle Mohammed Josh
        Sam Tom Billy Frank Stanley Arthur Dylan Ethan Mason Harvey Alfie""",
    "south_asian": """Mohammed Muhammad Ali Imran Amir Adam Ibrahim Yusuf Hamza Usman Bilal
        Zain Omar Hassan Asif Tariq Rizwan Kamran Faisal Sajid Shahid Arjun Rahul Sanjay
        Amit Rajesh Harpreet Gurpreet Jaswinder Sukhdev Kuldip Ravi Vikram Nadeem Wasim""",
    "black": """Michael David Daniel Joshua Samuel Emmanuel Isaac Tyrone Marcus Andre Jerome
        Kwame Kofi Chukwuemeka Olumide Oluwaseun Tunde Ade Mohamed Abdi Ahmed Jamal Malik
        Leon Nathan Christopher Anthony Dwayne Junior Delroy Winston Clive""",
    "east_european": """Piotr Tomasz Krzysztof Pawel Marcin Michal Lukasz Andrzej Jakub Adam
        Mateusz Bartosz Ionut Andrei Alexandru Florin Mihai Constantin Gabriel Marius Darius
        Tomas Mantas Jonas Aleksandr Dmitri Jan Martin Ondrej""",
}

FEMALE_FORENAMES = {
    "british": """Sarah Emma Claire Nicola Lisa Michelle Rachel Laura Kelly Louise Samantha
        Joanne Gemma Rebecca Amy Stacey Donna Karen Julie Susan Helen Jennifer Elizabeth
        Victoria Hannah Charlotte Jessica Lauren Sophie Chloe Danielle Natalie Leanne Kirsty
        Jade Katie Amber Megan Ellie Olivia Emily Grace Lucy Holly Paige Shannon Courtney
        Jodie Hayley Zoe Tracey Dawn Angela Deborah Jacqueline Margaret Patricia Mary Linda
        Christine Carol Jane Anne Ann Catherine Katherine Kathleen Alison Sharon Tina Sally
        Caroline Kimberley Amanda Natasha Abigail Eleanor Bethany Georgia Molly Ella Isabella
        Ruby Poppy Freya Millie Evie Jasmine Leah Kayleigh Kerry Carly Gillian Pamela Sandra
        Maria Theresa Josephine Dorothy""",
    "south_asian": """Fatima Aisha Ayesha Maryam Zainab Khadija Amina Sana Noor Hina Nadia
        Saima Shazia Farah Bushra Rukhsana Nasreen Parveen Shabana Samina Priya Anjali Pooja
        Neha Sunita Manjit Harjit Rajinder Kulwant Simran Jasmeet Amandeep Sonia Rubina""",
    "black": """Grace Blessing Joy Precious Comfort Esther Abigail Deborah Faith Mercy Ama
        Akosua Adwoa Chioma Ngozi Funmilayo Folake Amina Hodan Fartun Sagal Shanice Tanisha
        Chantelle Keisha Marcia Jasmine Tiana Naomi Michelle Janet Patricia""",
    "east_european": """Anna Katarzyna Agnieszka Magdalena Joanna Monika Karolina Ewa Natalia
        Aleksandra Justyna Paulina Ioana Elena Maria Andreea Alina Cristina Mihaela Gabriela
        Ruta Egle Inga Laura Olga Irina Svetlana Tereza Lucie Petra""",
}

# Name group by the first letter of the 2001 census ethnicity code, with W9 (other white)
# mostly east European names.
ETHNICITY_CODES = [
    "W1",
    "W2",
    "W9",
    "M1",
    "M2",
    "M3",
    "M9",
    "A1",
    "A2",
    "A3",
    "A9",
    "B1",
    "B2",
    "B9",
    "O1",
    "O9",
]
ETHNICITY_WEIGHTS = [
    0.74,
    0.01,
    0.05,
    0.012,
    0.005,
    0.008,
    0.006,
    0.03,
    0.03,
    0.012,
    0.012,
    0.025,
    0.03,
    0.005,
    0.008,
    0.018,
]
ETHNICITY_GROUP = {
    "W1": "british",
    "W2": "british",
    "W9": "east_european",
    "M1": "black",
    "M2": "british",
    "M3": "south_asian",
    "M9": "british",
    "A1": "south_asian",
    "A2": "south_asian",
    "A3": "south_asian",
    "A9": "south_asian",
    "B1": "black",
    "B2": "black",
    "B9": "black",
    "O1": "british",
    "O9": "british",
}
ETHNICITY_DESC = {
    "W1": "White: Eng./Welsh/Scot./N.Irish/British",
    "W2": "White: Irish",
    "W9": "White: Any other White background",
    "M1": "Mixed: White and Black Caribbean",
    "M2": "Mixed: White and Black African",
    "M3": "Mixed: White and Asian",
    "M9": "Mixed: Any other Mixed background",
    "A1": "Asian or Asian British: Indian",
    "A2": "Asian or Asian British: Pakistani",
    "A3": "Asian or Asian British: Bangladeshi",
    "A9": "Asian or Asian British: Any other Asian background",
    "B1": "Black or Black British: Caribbean",
    "B2": "Black or Black British: African",
    "B9": "Black or Black British: Any other Black background",
    "O1": "Chinese",
    "O9": "Other: Any other ethnic group",
}
JUNK_ETHNICITY = ["Z_Dummy Ethnicity 04", "Refusal", "Missing", "Not Known", "Z_Dummy Ethnicity 01"]

POSTCODE_AREAS = words(
    """B M LS S L BS NG LE CV E N SE SW W NW CF NE SR DN HU ST WV WS BD HD HX OL BL
    WN WA CH PR BB FY LA CA DH TS DL YO HG WF PO SO BH RG OX MK LU SG AL CM CO IP NR PE CB
    CT ME TN BN RH GU KT CR BR DA RM IG EN HA UB TW SM SL HP NN DE SY TF WR GL BA EX PL TR
    TQ NP SA LL"""
)
POSTCODE_UNIT_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"

STREET_NAMES = words(
    """High Church Station Park Victoria Green Manor Mill School Queen King New Grove
    Albert Windsor Springfield Highfield Orchard Chapel North South West Main Kings Queens
    Richmond Mount Alexandra York Stanley Cromwell Oxford Cambridge Trinity Elm Oak Ash Beech
    Willow Cedar Hawthorn Meadow Brook Bridge Castle Heath Moor Hall Farm Valley Hill"""
)
STREET_TYPES = [
    "Road",
    "Street",
    "Lane",
    "Avenue",
    "Close",
    "Drive",
    "Way",
    "Crescent",
    "Gardens",
    "Court",
    "Terrace",
    "Place",
]

COMPANY_WORDS = words(
    """Acme Northern Southern Central Premier Albion Crown Sterling Meridian
    Pinnacle Apex Beacon Summit Horizon Vanguard Liberty Regent Heritage Phoenix Atlas
    Oakwood Riverside Greenfield Castlegate Kingsway Britannia Capital Unity Paragon"""
)
COMPANY_KINDS = [
    "Finance",
    "Credit",
    "Homes",
    "Housing Association",
    "Lettings",
    "Property",
    "Utilities",
    "Energy",
    "Water",
    "Telecom",
    "Motor Finance",
    "Debt Recovery",
    "Loans",
    "Estates",
    "Building Services",
]
COMPANY_SUFFIXES = ["LTD", "LIMITED", "PLC", "Ltd", "Limited", "Plc"]

LOCAL_AUTHORITIES = words(
    """Birmingham Leeds Sheffield Bradford Manchester Liverpool Bristol Kirklees
    Cardiff Wakefield Wirral Coventry Leicester Nottingham Sunderland Doncaster Sandwell
    Salford Bolton Stockport Barnsley Rotherham Newcastle Walsall Wolverhampton Oldham Kent
    Essex Lancashire Surrey Hertfordshire Norfolk Devon Cornwall Lambeth Southwark Croydon
    Hackney Newham Swansea"""
)
ORGANISATIONS = [
    "Cafcass",
    "Cafcass Cymru",
    "NSPCC",
    "Barnardo's",
    "Official Solicitor",
    "Coram",
    "Adoption Agency",
]


def zipf_weights(n: int, exponent: float = 1.0, offset: float = 0.0) -> np.ndarray:
    """Weights 1/(rank+offset)**s normalised: a few very common values and a long tail."""
    w = 1.0 / (np.arange(1, n + 1) + offset) ** exponent
    return w / w.sum()


@cache
def vocab(kind: str, group: str) -> tuple[np.ndarray, np.ndarray]:
    """(values, probabilities) for kind in surname/male/female and a name group."""
    source = {"surname": SURNAMES, "male": MALE_FORENAMES, "female": FEMALE_FORENAMES}[kind]
    values = np.array(words(source[group]), dtype=object)
    return values, (
        zipf_weights(len(values), 0.8, 8)
        if kind == "surname"
        else zipf_weights(len(values), 0.9, 3)
    )


NAME_GROUPS = ("british", "south_asian", "black", "east_european")

# The surname tail. A fixed list makes every name block grow with the population; real
# surnames do not: England and Wales has about 270,000 of them, a Zipf head (Smith about
# 1.2% of people) and a long tail, and a larger sample meets more of them
# (docs/synthetic-model.md, "Surnames", for the sources). So a group's SURNAMES are its
# head, drawn with a fixed share, and the rest is a tail of
# TAIL_SURNAMES_PER_PERSON names per person of the group, built from stems, joins and
# endings of that group's names (up to all their combinations) and drawn Zipf by rank.
# Head shares: the british one puts Smith at 1.2% of its people; east European surnames
# are far more varied than the others (Nowak, the commonest Polish one, about 0.5%).
SURNAME_HEAD_SHARE = {"british": 0.57, "south_asian": 0.75, "black": 0.5, "east_european": 0.15}
TAIL_SURNAMES_PER_PERSON = 0.1
TAIL_ORDER_SEED = 20240  # fixes the tail's order: every drop and seed ranks it the same
SURNAME_PARTS = {  # group -> (stems, joins, endings)
    "british": (
        """Ash Black Brad Bram Brook Bur Cald Chad Ches Clif Cold Craw Dar Dun Elm Fair Far
        Fen Gar Glad Gold Good Green Ham Hart Hay Hazel Her Hol Hor Kel Ken Kirk Lang Lin
        Lock Mar Mid Mor Nor Oak Pen Pick Pres Rad Rams Red Roth Rud Sal Sand Shel Shep
        Stan Stock Sud Sun Thorn Tre Wal War Wat Wel Wes Whit Wil Win Wood Wor Wy Al Ark
        Bar Bel Bin Bro Cas Dal Dray Ed Fal Fos Gil Hal Ing Kil Lan Lud Man Mel Ned Ol Pel
        Quen Ros Sel Ted Ver Yar Ack Bland Crom Dew Ever Frith Hep Lath Mox Nut Ord Pud
        Ayl Bab Bick Bot Brig Buck Cart Chal Char Chip Clay Cot Cul Dod Dut Eg Ell Fern
        Gos Grim Had Hath Hen Hig Hock Hum Ick Kem Kin Knot Lax Lea Ley Lit Mal Mat Mil Mus
        New Pad Pat Pit Pol Rid Rock Row Rye Scar Shar Shaw Sib Skel Slad Sned Sop Spal
        Staf Stow Swin Tad Thack Tod Ug Up Wad Wake Wem Wick Wig Wist Wom Wrax""",
        "_ e en er ing s in ley ham ton by den ers ings",
        """ton ley field worth ham by son er man ford well wood hurst stone land more dale
        bridge cliffe combe den don ett ing kin low ridge stead thorpe wick win all ard ell
        ey ock shaw sley bury cott hill way gate brook""",
    ),
    "south_asian": (
        """Ab Ah Ak Al An Ar As Az Bak Bal Bh Ch Dh Far Gh Gul Hab Ham Haq Jab Jam Kar Kh Lat
        Mah Maj Man Mir Moh Mukh Nad Naz Par Qad Rah Raj Ras Sab Sad Sal Sar Shah Sid Sul
        Tah Tar Was Zah Zam Bat Dev Gan Jos Kap Mal Nar Pan Ran Sam Tha Vad Vir""",
        "_ a i u an ar",
        """ani ari awal bhai dar deen ee i ia iq ir ish kar khan man mi oor pal qi raj ri sh
        tra ullah uddin wal wala zai zadeh ji nath""",
    ),
    "black": (
        """Ade Ako Ama Ayo Bab Chi Dar Eme Eke Fola Ife Iwu Kof Kwa Lam Nko Obi Oke Olu Ona
        Osa Ote Sow Tai Uche Yaw Abi Agy Ano Asa Bam Dia Ezi Fad Gyi Ibe Kan Mba Nda Nwa
        Ogu Ojo Opo Ose Oye Tet Uzo Bro Cam Dun Fer Gor Hen Mor Rob Wal""",
        "_ a e i o u",
        """bayo kunle yemi nde wale ye ke fo mah ssa ah ri nta ba gu chukwu si mu jide ola
        dele bisi ma nu tey ton son well ford""",
    ),
    "east_european": (
        """Kowal Nowak Wisn Wojc Kamin Lewand Zielin Szyman Wozn Dabrow Kozl Jankow Mazur
        Kwiat Krawcz Piotr Grabow Nowic Pawlow Michal Adamcz Dud Zaj Wieczor Jablon Krol
        Majew Olszew Jawor Wrobl Malin Pawl Witk Walcz Step Gor Rutk Sikor Ostrow Baran
        Szewcz Tomasz Pietrz Marcin Zalew Jakub Jasin Zawad Sadow Chmiel Wlodar Bor Czarn
        Sawic Sokol Urban Kubi Maciej Kaczmar Popes Iones Dumitr Stoi Gheorgh Rus Munte
        Mat Petraus Kazlaus Jankaus Vasil Berz Kaln Ozol Horv Kov Novot Svob Dvor Cern
        Proch Kuc Ves Petr Ivan Smirn Pop Volk Kuzn""",
        "_ o e a ow ew in",
        """ski ska czyk wicz ak ek ik escu eanu as is ius ov ova enko uk yk a o ny iak ec
        nik ich ic""",
    ),
}


@cache
def surname_tail(group: str) -> np.ndarray:
    """Every tail surname of a group, in the fixed order of their rank.

    Built stem + join + ending, title case, minus head names, in an order shuffled with a
    fixed seed, so the common tail names do not all start with the same letters."""
    stems, joins, endings = (words(part) for part in SURNAME_PARTS[group])
    joins = [j.strip("_") for j in joins]
    grid = np.char.add(
        np.char.add(np.array(stems)[:, None, None], np.array(joins)[None, :, None]),
        np.array(endings)[None, None, :],
    ).ravel()
    order = np.random.default_rng(TAIL_ORDER_SEED).permutation(len(grid))
    ordered = np.char.capitalize(grid[order])
    _, first = np.unique(ordered, return_index=True)
    head = set(words(SURNAMES[group]))
    ordered = [v for v in ordered[np.sort(first)].tolist() if v not in head]
    return np.array(ordered, dtype=object)


def draw_surnames(rng, group: str, people: int) -> np.ndarray:
    """One surname for each of a group's people: from the head with its share, else from
    a tail whose length grows with the people (up to every tail name)."""
    head, head_p = vocab("surname", group)
    tail = surname_tail(group)
    tail = tail[: max(1, min(len(tail), round(TAIL_SURNAMES_PER_PERSON * people)))]
    # tail ranks continue the head's, Zipf 1: the first tail names are the commonest
    tail_p = 1.0 / (np.arange(len(tail)) + len(head) + 1.0)
    in_head = rng.random(people) < SURNAME_HEAD_SHARE[group]
    n_head = int(in_head.sum())
    out = np.empty(people, dtype=object)
    out[in_head] = head[rng.choice(len(head), size=n_head, p=head_p)]
    out[~in_head] = tail[rng.choice(len(tail), size=people - n_head, p=tail_p / tail_p.sum())]
    return out


# Titles and suffixes keyed into a name field by mistake (MR JOHN, SMITH JNR).
TITLES_MALE = ("MR", "DR")
TITLES_FEMALE = ("MRS", "MS", "MISS", "DR")
SUFFIXES = ("JNR", "SNR", "JR", "II")
