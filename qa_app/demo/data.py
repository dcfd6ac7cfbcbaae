"""The demo authority's fixed data: its people, providers, the plan of their latest ratings,
and the words its visits use."""

DEMO_PASSWORD = "demo-password-1"


INSUFFICIENT_REASON = "The lead was absent on the day; the records are to be seen at the next visit."


DEMO_USERS = (
    ("officer@example.org", "officer"),
    ("head@example.org", "head_of_access"),
    ("school@example.org", "school"),
    ("school2@example.org", "school"),
    ("admin@example.org", "admin"),
    ("provider@example.org", "provider"),
)


PROVIDER_STAFF = "provider@example.org"


SCHOOLS = {"school@example.org": "Riverside Academy", "school2@example.org": "Eastbrook High School"}


NAMES = {
    "officer@example.org": "Priya Shah",
    "head@example.org": "Joanne Okafor",
    "school@example.org": "Mark Ellis",
    "school2@example.org": "Aisha Rahman",
    "admin@example.org": "Sam Reid",
    "provider@example.org": "Dee Patel",
    "officer2@example.org": "Zoë Siân Łukasiewicz-O'Brien",
}


BOROUGHS = ("Riverside", "Northgate", "Eastbrook", "Westmere", "Southfield")


POSTCODES = {
    "Riverside": ("BR1 1AA", "BR1 3PL", "BR2 9HT"),
    "Northgate": ("N17 6DE", "N18 1QA", "N9 0AL"),
    "Eastbrook": ("E6 2JA", "E13 9PJ", "E16 1EH"),
    "Westmere": ("W3 6RS", "W5 5DB", "W7 1AG"),
    "Southfield": ("SE18 6HQ", "SE2 9AX", "SE28 8AB"),
}


PROVIDERS = (
    ("Bridges Learning Centre", ("ks3", "ks4", "semh")),
    ("Horizon Vocational Academy", ("ks4", "post16", "vocational")),
    ("The Harbour Project", ("ks3", "ks4", "semh", "send")),
    ("Pathways Tuition", ("ks2", "ks3", "tuition")),
    ("Riverside Hospital Education Service", ("ks2", "ks3", "ks4", "medical")),
    ("Future Skills Garage", ("ks4", "vocational")),
    ("Compass Alternative School", ("ks3", "ks4", "semh")),
    ("Green Shoots Farm", ("ks3", "ks4", "vocational", "semh")),
    ("Northgate Boxing Academy", ("ks4", "vocational")),
    ("Second Chance Studio", ("ks4", "post16", "vocational")),
    ("Oakwood Therapeutic Education", ("ks2", "ks3", "semh", "send")),
    ("Step Forward Learning", ("ks3", "ks4")),
    ("Anchor Online School", ("ks3", "ks4", "tuition", "medical")),
    ("Eastbrook Motor Skills", ("ks4", "vocational")),
    ("Kite Primary Nurture Base", ("ks1", "ks2", "semh")),
    ("The Workshop Collective", ("ks4", "post16", "vocational")),
    ("Lighthouse Learning", ("ks3", "ks4", "semh")),
    ("Westmere Construction Pathways", ("ks4", "post16", "vocational")),
    ("Cedar House Education", ("ks3", "ks4", "send")),
    ("Phoenix Creative Arts", ("ks3", "ks4")),
    ("Southfield Sports Inclusion", ("ks3", "ks4", "vocational")),
    ("Willow Medical Tuition", ("ks2", "ks3", "ks4", "medical", "tuition")),
    ("Summit Outdoor Learning", ("ks3", "ks4", "semh")),
    ("Bright Start Hair and Beauty", ("ks4", "post16", "vocational")),
    ("Meadow View Education", ("ks2", "ks3", "send")),
    ("The Forge Engineering Centre", ("ks4", "post16", "vocational")),
    ("Unity Youth Education Hub", ("ks3", "ks4", "semh")),
    ("Northgate Community Tuition", ("ks3", "ks4", "tuition")),
    ("Eastbrook Animal Care", ("ks4", "vocational")),
    ("Tower Hill Learning Base", ("ks3", "ks4", "semh")),
)


# (latest signed-off RAG, days ago) per provider, covering every QA status:
# quality assured (recent Green/Amber), not quality assured (Red, never visited),
# expired (old Green/Amber) and suspended.
PLAN = (
    ("green", 40),
    ("amber", 60),
    ("red", 20),
    ("green", 100),
    ("green", 200),
    ("amber", 30),
    ("red", 12),
    ("green", 400),
    ("amber", 250),
    (None, None),
    ("green", 15),
    ("amber", 120),
    ("red", 70),
    ("green", 300),
    (None, None),
    ("amber", 90),
    ("green", 150),
    ("red", 35),
    ("amber", 210),
    ("green", 55),
    ("green", 500),
    ("amber", 10),
    ("red", 5),
    (None, None),
    ("green", 80),
    ("amber", 160),
    ("green", 25),
    ("red", 45),
    ("green", 330),
    ("amber", 75),
)


SUSPENDED = {6: "Open escalation: possible unregistered full-time provision at a second site."}


# A "met" judgement's evidence: where it was seen and what was found, so no two visits
# read alike.
MET_SEEN = (
    "Sampled six staff files",
    "Checked the single central record",
    "Read the policy with the lead",
    "Looked at the attendance register for this half-term",
    "Observed two sessions",
    "Spoke with three pupils",
    "Walked the site with the manager",
    "Reviewed pupil plans for the current cohort",
    "Saw the training log",
    "Checked the risk assessments on file",
)


MET_FOUND = (
    "complete and current",
    "reviewed this term and signed by the lead",
    "matches what the commissioning schools hold",
    "consistent with what pupils told us",
    "dated, and up to date for every pupil",
    "clear, and known to all staff we asked",
    "in place, with a named person responsible",
)


EVIDENCE = {
    "partly_met": "In place but incomplete: {detail}",
    "not_met": "Not in place: {detail}",
    "not_seen": "Not available on the day; lead was absent.",
}


DETAILS = (
    "two staff files lacked dates of checks",
    "policy last reviewed over 18 months ago",
    "records kept on paper and not shared with commissioners",
    "no evidence of review since September",
    "fire drill log shows no drill this term",
    "attendance codes used inconsistently",
    "plans lack reintegration dates",
)


ACTIONS = (
    "Update the single central record with dates of all checks",
    "Review the child protection policy against KCSIE 2025",
    "Share weekly attendance with commissioning schools",
    "Carry out and log a fire drill each term",
    "Add reintegration timelines to every pupil plan",
)


# A follow-up visit after a Red: one awaiting sign-off, one returned to its officer.
AWAITING = {12: ("submitted", 4), 2: ("returned", 6)}


RETURN_COMMENT = "SG1 needs the evidence you saw: say which files were sampled and what was missing."
