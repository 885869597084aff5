"""The demo network: people, cells, themes and meetings written for the demo.

Loaded by ``manage.py load_demo``. The meetings follow the shape of real cell
notes: a topic someone introduced, then paragraph after paragraph of
discussion, ending with what the cell proposes to the network.
"""

from __future__ import annotations

from typing import Any

DEMO_PASSWORD = "betterway-demo"  # noqa: S105 - demo accounts, development only

# username: (display name, is_staff, what they show in the demo)
PEOPLE = {
    "admin": ("Ada Mensah", True, "staff: runs the network in the admin"),
    "fran": ("Fran Adeyemi", False, "facilitator of Northern cell and Online cell"),
    "femi": ("Femi Clarke", False, "facilitator of Whitehall cell (private) and South West cell"),
    "mo": ("Mo Hussain", False, "member of Northern cell and Whitehall cell"),
    "mia": ("Mia Kowalski", False, "member of Northern cell"),
    "otto": ("Otto Reyes", False, "member of Online cell only"),
    "olu": ("Olu Bankole", False, "logged in, member of no cell"),
}

# slug: (name, visibility, active, description, facilitators, members)
CELLS = {
    "northern": (
        "Northern cell",
        "public",
        True,
        "People from councils, charities and the NHS across the North of England. "
        "Meets in Leeds every six weeks.",
        ["fran"],
        ["mo", "mia"],
    ),
    "online": (
        "Online cell",
        "network",
        True,
        "For members who cannot travel: meets on a video call on the first Tuesday of the month.",
        ["fran"],
        ["otto"],
    ),
    "whitehall": (
        "Whitehall cell",
        "private",
        True,
        "Civil servants talking candidly about how policy lands in places. "
        "Notes stay within the cell.",
        ["femi"],
        ["mo"],
    ),
    "south-west": (
        "South West cell",
        "public",
        False,
        "Met in Bristol and Exeter from 2016 to 2018; its notes remain open to all.",
        ["femi"],
        [],
    ),
}

# name: (description, match keywords)
THEMES = {
    "leadership": (
        "How people lead change in and around public services, at any level.",
        "leader, leaders, leading",
    ),
    "systems change": (
        "Changing the structures, incentives and rules that shape what services do.",
        "system change, systemic, whole system",
    ),
    "distributed leadership": (
        "Leadership shared across a team or a place rather than held at the top.",
        "distributive leadership, shared leadership",
    ),
    "local government": (
        "Councils and their part in changing services.",
        "council, councils, local authority, local authorities",
    ),
    "complexity": (
        "Problems with many causes, where no single fix or plan works.",
        "complex, complicated, wicked problems",
    ),
    "context": (
        "Why what works in one place or organisation may not work in another.",
        "contexts, local circumstances",
    ),
    "co-production": (
        "Designing and running services with the people who use them.",
        "coproduction, co-design, codesign",
    ),
    "prevention": (
        "Acting early so problems do not become crises.",
        "early action, early intervention, preventative",
    ),
    "asset-based approaches": (
        "Starting from the strengths of people and communities rather than their needs.",
        "strengths-based, asset based, community assets",
    ),
    "place-based working": (
        "Organising services around a place and the people in it.",
        "place-based, neighbourhood, locality",
    ),
    "trust": (
        "Trust between services, staff and the people they serve.",
        "trusting, relationships of trust",
    ),
    "data and evidence": (
        "What we measure, what counts as evidence and how it is used.",
        "data, evidence, metrics, measurement",
    ),
    "voluntary sector": (
        "Charities, community groups and social enterprises.",
        "charity, charities, third sector, community groups",
    ),
    "commissioning": (
        "How public bodies buy services, and what contracts reward.",
        "procurement, contracts, commissioners",
    ),
    "lived experience": (
        "The knowledge of people who have used services themselves.",
        "user voice, service users, people who use services",
    ),
    "workforce wellbeing": (
        "The health, morale and time of the people who deliver services.",
        "burnout, staff wellbeing, morale",
    ),
}

# Each meeting: cell slug, ISO date, topic, introduced by, introducer's username
# or None, attendees, guests, venue, status, then its points as
# (heading, body, themes).
# What demo members follow: themes by name, cells by slug, searches by query.
FOLLOWS: dict[str, dict[str, list[str]]] = {
    "mo": {"themes": ["leadership", "systems change"], "cells": ["online"], "searches": []},
    "mia": {"themes": ["co-production"], "cells": [], "searches": ["q=council"]},
    "otto": {"themes": ["complexity"], "cells": ["northern"], "searches": []},
}

MEETINGS: list[dict[str, Any]] = [
    {
        "cell": "northern",
        "date": "2017-10-11",
        "title": "Leadership or systems: what really drives change?",
        "introduced_by": "Fran Adeyemi",
        "introducer": "fran",
        "attendees": ["fran", "mo", "mia"],
        "guests": ["Priya Shah"],
        "venue": "Leeds Civic Hall",
        "status": "published",
        "points": [
            (
                "",
                "Fran opened by saying that after ten years of leadership programmes she "
                "had come to think that changing the system, rather than training leaders, "
                "is what makes change last. A brilliant chief executive leaves and the "
                "old habits return within a year.",
                ["leadership", "systems change"],
            ),
            (
                "The coaching academy example",
                "Mo described a hospital trust that trains front-line staff as coaches so "
                "that teams redesign their own services with patients in the room. It "
                "worked because the coaches stayed after the consultants left, and because "
                "patients' stories, not targets, set the agenda.",
                ["distributed leadership", "lived experience", "co-production"],
            ),
            (
                "",
                "We asked whether the same would work in a council. Mia thought that "
                "*context is everything*: a ward team is small enough to change itself, "
                "while a social care department is tied to rules set elsewhere.",
                ["context", "local government"],
            ),
            (
                "",
                "Several of us had seen rapid 100-day programmes bring leaders together. "
                "They produce energy, but one experience was chaotic, involved few people "
                "who actually worked in the area and no one who used the services.",
                ["leadership", "lived experience"],
            ),
            (
                "Proposal for the network",
                "The cell suggested that the network collects examples where change "
                "outlasted the people who started it, and asks what in the system held it "
                "in place.",
                ["systems change"],
            ),
        ],
    },
    {
        "cell": "northern",
        "date": "2018-01-24",
        "title": "Acting early: why prevention keeps losing the budget argument",
        "introduced_by": "Mo Hussain",
        "introducer": "mo",
        "attendees": ["fran", "mo"],
        "guests": [],
        "venue": "Online",
        "status": "published",
        "points": [
            (
                "",
                "Mo introduced the topic with the Early Action Task Force's argument that "
                "acute services crowd out prevention because their costs are visible this "
                "year and the savings from acting early fall in another budget, years later.",
                ["prevention", "commissioning"],
            ),
            (
                "Failure demand",
                "A council housing team had counted how many calls were people chasing "
                "something that should already have happened. Nearly half. Fixing the "
                "first response freed more staff time than any restructure had.",
                ["prevention", "local government", "data and evidence"],
            ),
            (
                "",
                "We talked about how contracts reward activity: visits made, forms "
                "completed. Commissioners who paid for outcomes found the measures hard to "
                "agree and easy to game.",
                ["commissioning", "data and evidence"],
            ),
            (
                "",
                "Charities often do the early work without being paid for it, and then "
                "lose the contract to someone cheaper. The voluntary sector is the "
                "prevention budget nobody counts.",
                ["voluntary sector", "prevention"],
            ),
        ],
    },
    {
        "cell": "northern",
        "date": "2018-03-07",
        "title": "Working with community strengths",
        "introduced_by": "Mia Kowalski",
        "introducer": "mia",
        "attendees": ["fran", "mia"],
        "guests": [],
        "venue": "Leeds Central Library",
        "status": "draft",
        "points": [
            (
                "",
                "Mia started from a neighbourhood where residents run a food pantry, a "
                "homework club and a lift-share scheme without any council involvement.",
                ["asset-based approaches", "place-based working"],
            ),
            (
                "",
                "It is hard to take a strengths-based approach when a top-down approach "
                "is deeply ingrained and every referral form asks what is wrong with the "
                "person.",
                ["asset-based approaches", "local government"],
            ),
            (
                "",
                "To be written up: what the network could do to share the pantry's story.",
                [],
            ),
        ],
    },
    {
        "cell": "online",
        "date": "2018-02-06",
        "title": "Trust between services and the people who use them",
        "introduced_by": "Otto Reyes",
        "introducer": "otto",
        "attendees": ["fran", "otto"],
        "guests": ["Sam Ortiz", "Lena Fischer"],
        "venue": "Online",
        "status": "published",
        "points": [
            (
                "",
                "Otto said that people who have been let down by services learn not to "
                "tell the whole story, and services then design around the half they hear.",
                ["trust", "lived experience"],
            ),
            (
                "Peer workers",
                "Sam described a mental health service that employs people with lived "
                "experience as peer workers. Referrals that used to be missed were picked "
                "up, because people talked to someone who had been there.",
                ["lived experience", "co-production", "trust"],
            ),
            (
                "",
                "We agreed that trust is built in relationships, not in systems, but that "
                "systems can destroy it quickly: a missed appointment letter written in "
                "legal language undid months of work.",
                ["trust", "systems change"],
            ),
            (
                "",
                "Lena asked how you measure trust. Some suggested asking people directly; "
                "others warned that another survey is itself a sign of mistrust.",
                ["trust", "data and evidence"],
            ),
            (
                "",
                "Staff need trust too. Front-line workers who are trusted with discretion "
                "use it well and stay longer.",
                ["trust", "workforce wellbeing"],
            ),
        ],
    },
    {
        "cell": "online",
        "date": "2018-04-03",
        "title": "Complex problems and the limits of the plan",
        "introduced_by": "Fran Adeyemi",
        "introducer": "fran",
        "attendees": ["fran", "otto"],
        "guests": [],
        "venue": "Online",
        "status": "published",
        "points": [
            (
                "Simple, complicated, complex",
                "Fran shared the distinction between simple problems, which suit a clear "
                "instruction from the top; complicated ones, which need experts; and "
                "complex ones, where cause and effect are only clear in hindsight.",
                ["complexity", "leadership"],
            ),
            (
                "",
                "For complex issues the literature says leadership has to be distributed: "
                "no one person sees enough of the problem. This chimed with the group's "
                "experience of homelessness services.",
                ["complexity", "distributed leadership"],
            ),
            (
                "",
                "Otto pointed out that funders still ask for a five-year plan with "
                "milestones, which pushes everyone to pretend a complex problem is merely "
                "complicated.",
                ["complexity", "commissioning"],
            ),
            (
                "",
                "We discussed learning partners: funders who ask what you learnt this "
                "quarter, not whether you hit the milestone.",
                ["commissioning", "data and evidence"],
            ),
            (
                "Proposal for the network",
                "The cell proposes a session for the whole network on how to write a "
                "funding bid for work on a complex problem without overpromising.",
                ["complexity"],
            ),
        ],
    },
    {
        "cell": "online",
        "date": "2018-06-05",
        "title": "Burnout on the front line",
        "introduced_by": "Lena Fischer (guest)",
        "introducer": None,
        "attendees": ["otto"],
        "guests": ["Lena Fischer"],
        "venue": "Online",
        "status": "published",
        "points": [
            (
                "",
                "Lena, a social worker, introduced the topic by describing a team where "
                "half the posts were filled by agency staff and nobody had time to think.",
                ["workforce wellbeing", "local government"],
            ),
            (
                "",
                "Burnout is not only about workload. People burn out when they cannot do "
                "the job they came into the work to do, because the system measures "
                "something else.",
                ["workforce wellbeing", "systems change"],
            ),
            (
                "",
                "Reflective supervision and small caseloads were the two things people "
                "named most often as keeping them going.",
                ["workforce wellbeing"],
            ),
            (
                "",
                "Charities face the same pressure with less protection: short contracts "
                "mean staff are always job-hunting.",
                ["voluntary sector", "workforce wellbeing", "commissioning"],
            ),
        ],
    },
    {
        "cell": "whitehall",
        "date": "2018-02-20",
        "title": "How national policy lands in places",
        "introduced_by": "Femi Clarke",
        "introducer": "femi",
        "attendees": ["femi", "mo"],
        "guests": [],
        "venue": "A meeting room near Westminster",
        "status": "published",
        "points": [
            (
                "",
                "Femi introduced the topic with a confidential example of a national "
                "programme that each department designed separately, so one family "
                "received four key workers.",
                ["place-based working", "systems change"],
            ),
            (
                "",
                "Place-based budgets were discussed as a way to let one area join up what "
                "Whitehall keeps apart. The pilots worked where local leaders already "
                "trusted each other.",
                ["place-based working", "trust", "local government"],
            ),
            (
                "Evidence that travels",
                "Ministers want evidence that a programme works everywhere. What the "
                "pilots showed is that it works in a context, and the context is the "
                "hard part to copy.",
                ["data and evidence", "context"],
            ),
            (
                "",
                "The cell agreed to keep these notes within the cell but to share a "
                "summary on joining up programmes with the network later in the year.",
                ["place-based working"],
            ),
        ],
    },
    {
        "cell": "whitehall",
        "date": "2018-05-15",
        "title": "Spending reviews and the early action problem",
        "introduced_by": "Mo Hussain",
        "introducer": "mo",
        "attendees": ["femi", "mo"],
        "guests": [],
        "venue": "Online",
        "status": "published",
        "points": [
            (
                "",
                "Mo brought the Northern cell's discussion of prevention to a Whitehall "
                "audience: the Treasury's rules score savings only within the period of "
                "the spending review.",
                ["prevention", "data and evidence"],
            ),
            (
                "",
                "Some departments have ring-fenced early action funds; they survived only "
                "where a minister championed them, which is leadership, not system.",
                ["prevention", "leadership", "systems change"],
            ),
            (
                "",
                "We talked about the civil service's own workforce: people move post every "
                "two years, so nobody sees a preventive programme through.",
                ["workforce wellbeing", "systems change"],
            ),
        ],
    },
    {
        "cell": "south-west",
        "date": "2016-11-16",
        "title": "Co-producing services with the people who use them",
        "introduced_by": "Femi Clarke",
        "introducer": "femi",
        "attendees": ["femi"],
        "guests": ["Tom Hughes", "Ruth Ellis", "Kwame Asante"],
        "venue": "Bristol, at a community centre in Easton",
        "status": "published",
        "points": [
            (
                "",
                "Femi introduced the topic by asking when we had last designed something "
                "with, rather than for, the people who would use it.",
                ["co-production", "lived experience"],
            ),
            (
                "",
                "Ruth described a youth service where young people sat on the panel that "
                "chose the provider. The winning bid was the one that listened, not the "
                "cheapest.",
                ["co-production", "commissioning"],
            ),
            (
                "Tokenism",
                "Kwame warned that co-production becomes tokenism when people are asked "
                "for views after the decision is made. Pay people for their time and give "
                "them real power over something.",
                ["co-production", "lived experience", "trust"],
            ),
            (
                "",
                "Community groups in Easton already do this every week; the council could "
                "learn from them rather than reinvent it.",
                ["voluntary sector", "asset-based approaches", "local government"],
            ),
            (
                "",
                "We noted the cost: co-production takes months, and funders rarely pay "
                "for the months before anything is delivered.",
                ["co-production", "commissioning"],
            ),
        ],
    },
    {
        "cell": "south-west",
        "date": "2017-03-22",
        "title": "What counts as evidence?",
        "introduced_by": "Tom Hughes (guest)",
        "introducer": None,
        "attendees": ["femi"],
        "guests": ["Tom Hughes", "Ruth Ellis"],
        "venue": "Exeter",
        "status": "published",
        "points": [
            (
                "",
                "Tom introduced the topic by comparing randomised trials, which tell you "
                "whether something worked on average, with stories, which tell you how "
                "and for whom.",
                ["data and evidence"],
            ),
            (
                "",
                "In a complex system an average effect may hide the fact that a service "
                "helped some people a great deal and harmed others.",
                ["data and evidence", "complexity"],
            ),
            (
                "",
                "Small charities feel they are asked for the evidence standard of a drug "
                "trial to win a contract worth less than the evaluation.",
                ["voluntary sector", "data and evidence", "commissioning"],
            ),
            (
                "",
                "Ruth suggested that the people who use a service are the best evaluators "
                "of it, if anyone asks them the right questions.",
                ["lived experience", "data and evidence"],
            ),
            (
                "Proposal for the network",
                "The cell proposed a shared, plain-English guide to proportionate "
                "evidence for small organisations.",
                ["data and evidence", "voluntary sector"],
            ),
        ],
    },
]

# Actions agreed in demo meetings: (meeting title, point position, what, owner
# username or a name, days from today until due (None: no date), status).
ACTIONS: list[tuple[str, int, str, str, int | None, str]] = [
    (
        "Leadership or systems: what really drives change?",
        5,
        "Collect three examples of change that outlasted its founders",
        "mo",
        2,
        "open",
    ),
    (
        "Leadership or systems: what really drives change?",
        2,
        "Ask the trust whether its coaches would talk to the cell",
        "Priya Shah",
        -4,
        "open",
    ),
    (
        "Acting early: why prevention keeps losing the budget argument",
        1,
        "Share the prevention business case template",
        "mia",
        None,
        "done",
    ),
    (
        "Trust between services and the people who use them",
        1,
        "Draft questions for a trust survey",
        "otto",
        14,
        "open",
    ),
]
# Proposals whose status the network's admin has changed: (meeting title,
# status, why).
PROPOSAL_DECISIONS: list[tuple[str, str, str]] = [
    (
        "Leadership or systems: what really drives change?",
        "taken_up",
        "South West cell will gather the examples over the winter.",
    ),
]
# Later points that discussed a proposal again: (meeting title, point position,
# title of the meeting that made the proposal).
REDISCUSSIONS: list[tuple[str, int, str]] = [
    (
        "Complex problems and the limits of the plan",
        1,
        "Leadership or systems: what really drives change?",
    ),
]
