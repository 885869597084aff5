"""Words for generated notes: common words very often, rare ones seldom (Zipf-like).

Real English, so stemming and phrases behave as with real notes, plus a tail
of rare made-up place names so that "rare word" searches have few hits.
"""

from __future__ import annotations

COMMON = """
the of and to a in that is was it for on as with they be at this have from or
by not but we what all were when there can an their which said one about
would so out up if them some could into has more other than then its also
""".split()

DOMAIN = """
council councils service services people community communities resident residents
leader leaders leadership system systems change changes changing local government
budget budgets funding money contract contracts commissioning commissioner
prevention early action intervention health care social housing homelessness
school schools education youth children families family support worker workers
staff team teams manager managers trust relationship relationships evidence data
measure measurement outcome outcomes target targets pilot pilots programme
programmes partnership partnerships charity charities voluntary sector volunteer
volunteers neighbourhood neighbourhoods place places culture values power
complexity complex problem problems solution solutions risk risks safeguarding
policy policies minister ministers department departments national regional
digital online meeting meetings discussion network cell cells question questions
story stories experience experiences listening voice voices design co-production
asset assets strength strengths approach approaches practice practices learning
training coaching mentoring supervision burnout wellbeing morale workload time
hospital hospitals patient patients doctor nurses clinic primary integration
police justice prison probation court courts victim victims safety crime
employment jobs skills income poverty benefit benefits debt food pantry bank
transport library libraries park parks green environment climate energy
accountability governance board boards trustee trustees chief executive officer
frontline front line bureaucracy paperwork referral referrals waiting list lists
demand failure capacity resources collaboration trust-based relational kindness
""".split()

VERBS = """
argued suggested described noticed asked wondered agreed disagreed explained
found learned showed proposed questioned shared built tested changed improved
reduced increased funded cut listened worked struggled succeeded failed met
""".split()

# Made-up place names: the rare words of the network.
RARE = [
    f"{a}{b}"
    for a in ["Ash", "Bel", "Cor", "Dun", "Eld", "Fen", "Gar", "Hol", "Ivy", "Kel"]
    for b in ["brook", "ford", "ham", "ley", "mere", "stow", "thorpe", "wick"]
]

THEME_WORDS = """
leadership systems change local government prevention trust co-production
complexity context evidence data commissioning voluntary sector place-based
working lived experience workforce wellbeing housing health care integration
youth services early help digital inclusion asset-based approaches poverty
criminal justice education skills employment climate action community power
accountability relational practice safeguarding mental health loneliness
""".split()
