"""The free text of the demonstration: short templates, plainly marked as synthetic.

No sentence here describes a real person or event. Texts name no one; the
named persons are linked to a communication as records, never written into
its text, so redaction never has to reach into the demonstration's prose.
"""

from __future__ import annotations

MARK = {
    "en": "[Synthetic demonstration text.]",
    "fr": "[Texte synthétique de démonstration.]",
    "es": "[Texto sintético de demostración.]",
}

VIOLATION_PHRASES = {
    "en": {
        "arbitrary_detention": "arbitrary detention",
        "torture": "torture or ill-treatment",
        "judicial_harassment": "judicial harassment",
        "conviction": "conviction",
        "killing": "killing",
        "enforced_disappearance": "enforced disappearance",
        "death_threats": "death threats",
        "physical_attack": "physical attack",
        "administrative_harassment": "administrative harassment",
        "disciplinary_measures": "disciplinary measures",
        "defamation": "stigmatisation",
        "surveillance": "surveillance",
        "travel_ban": "travel ban",
        "raid": "raid on the premises",
        "association_restrictions": "restrictions on association",
        "reprisal_un": "reprisals for cooperation with the United Nations",
    },
    "fr": {
        "arbitrary_detention": "détention arbitraire",
        "torture": "torture ou mauvais traitements",
        "judicial_harassment": "harcèlement judiciaire",
        "conviction": "condamnation",
        "killing": "meurtre",
        "enforced_disappearance": "disparition forcée",
        "death_threats": "menaces de mort",
        "physical_attack": "agression physique",
        "administrative_harassment": "harcèlement administratif",
        "disciplinary_measures": "mesures disciplinaires",
        "defamation": "stigmatisation",
        "surveillance": "surveillance",
        "travel_ban": "interdiction de voyager",
        "raid": "perquisition des locaux",
        "association_restrictions": "restrictions à la liberté d'association",
        "reprisal_un": "représailles pour coopération avec les Nations Unies",
    },
    "es": {
        "arbitrary_detention": "detención arbitraria",
        "torture": "tortura o malos tratos",
        "judicial_harassment": "hostigamiento judicial",
        "conviction": "condena",
        "killing": "asesinato",
        "enforced_disappearance": "desaparición forzada",
        "death_threats": "amenazas de muerte",
        "physical_attack": "agresión física",
        "administrative_harassment": "hostigamiento administrativo",
        "disciplinary_measures": "medidas disciplinarias",
        "defamation": "estigmatización",
        "surveillance": "vigilancia",
        "travel_ban": "prohibición de viajar",
        "raid": "allanamiento de la sede",
        "association_restrictions": "restricciones a la libertad de asociación",
        "reprisal_un": "represalias por cooperar con las Naciones Unidas",
    },
}

SUBJECT = {
    "en": "Alleged %(violation)s of %(whom)s",
    "fr": "Allégations de %(violation)s visant %(whom)s",
    "es": "Presunta %(violation)s contra %(whom)s",
}
WHOM = {
    "en": ("a human rights defender", "human rights defenders", "a human rights organisation"),
    "fr": (
        "un défenseur des droits de l'homme",
        "des défenseurs des droits de l'homme",
        "une organisation de défense des droits de l'homme",
    ),
    "es": (
        "un defensor de derechos humanos",
        "defensores de derechos humanos",
        "una organización de derechos humanos",
    ),
}
LAW_SUBJECT = {
    "en": "Draft legislation affecting the work of human rights defenders",
    "fr": "Projet de loi affectant le travail des défenseurs des droits de l'homme",
    "es": "Proyecto de ley que afecta la labor de los defensores de derechos humanos",
}
POLICY_SUBJECT = {
    "en": "Legislation and policy affecting civil society",
    "fr": "Législation et politiques affectant la société civile",
    "es": "Legislación y políticas que afectan a la sociedad civil",
}
BUSINESS_SUBJECT = {
    "en": "Alleged attacks on defenders linked to a business project",
    "fr": "Attaques présumées contre des défenseurs liées à un projet d'entreprise",
    "es": "Presuntos ataques contra defensores vinculados a un proyecto empresarial",
}

FACTS = {
    "en": (
        "%(mark)s This letter was generated for a demonstration and reports no real event. "
        "It concerns %(count)s named person(s) and alleges %(violations)s, "
        "said to have taken place in %(month)s."
    ),
    "fr": (
        "%(mark)s Cette lettre a été générée pour une démonstration et ne relate aucun fait réel. "
        "Elle concerne %(count)s personne(s) nommée(s) et allègue : %(violations)s, "
        "en %(month)s."
    ),
    "es": (
        "%(mark)s Esta carta se generó para una demostración y no relata ningún hecho real. "
        "Se refiere a %(count)s persona(s) nombrada(s) y alega %(violations)s, "
        "en %(month)s."
    ),
}
LAW_FACTS = {
    "en": "%(mark)s A generated example of a letter on a draft law; no such law is described.",
    "fr": "%(mark)s Exemple généré d'une lettre sur un projet de loi ; aucune loi réelle.",
    "es": "%(mark)s Ejemplo generado de una carta sobre un proyecto de ley; ninguna ley real.",
}
CONCERNS = {
    "en": "%(mark)s Concern is expressed that the acts described may be linked to "
    "legitimate human rights work.",
    "fr": "%(mark)s Des préoccupations sont exprimées quant au lien possible entre ces actes "
    "et des activités légitimes de défense des droits de l'homme.",
    "es": "%(mark)s Se expresa preocupación por el posible vínculo entre estos actos y una "
    "labor legítima de defensa de los derechos humanos.",
}
QUESTIONS = {
    "en": "%(mark)s 1. Please provide any additional information. 2. Please indicate the "
    "measures taken to protect the persons concerned.",
    "fr": "%(mark)s 1. Veuillez fournir toute information complémentaire. 2. Veuillez indiquer "
    "les mesures prises pour protéger les personnes concernées.",
    "es": "%(mark)s 1. Sírvase proporcionar información adicional. 2. Sírvase indicar las "
    "medidas adoptadas para proteger a las personas concernidas.",
}

# The norms are public references, not case text: treaty articles by violation.
NORMS = {
    "arbitrary_detention": "ICCPR art. 9",
    "torture": "ICCPR art. 7; CAT arts. 2 and 16",
    "judicial_harassment": "ICCPR art. 14",
    "conviction": "ICCPR arts. 14 and 15",
    "killing": "ICCPR art. 6",
    "enforced_disappearance": "Declaration on the Protection of All Persons from "
    "Enforced Disappearance",
    "death_threats": "ICCPR arts. 6 and 9",
    "physical_attack": "ICCPR arts. 7 and 9",
    "administrative_harassment": "Declaration on Human Rights Defenders, art. 12",
    "disciplinary_measures": "Declaration on Human Rights Defenders, art. 12",
    "defamation": "ICCPR arts. 17 and 19",
    "surveillance": "ICCPR art. 17",
    "travel_ban": "ICCPR art. 12",
    "raid": "ICCPR art. 17",
    "association_restrictions": "ICCPR arts. 21 and 22",
    "reprisal_un": "Human Rights Council resolution 12/2",
}
ALWAYS_NORM = "Declaration on Human Rights Defenders, arts. 1, 2 and 6"

ORGANISATION_WORDS = (
    "Human Rights Centre",
    "Defenders Network",
    "Legal Aid Association",
    "Rights Watch Committee",
    "Land Rights Collective",
    "Press Freedom Group",
)
URGENCY_REASON = "[Synthetic.] A generated hearing date."
SUMMARY = "[Synthetic case file for the demonstration; it describes no real case.]"
SUBMISSION_FACTS = (
    "[Synthetic submission for the demonstration.] The source reports generated events "
    "that did not happen, so that the intake screens can be tried."
)
SUBMISSION_CONTEXT = "[Synthetic.] A generated description of the legal context."
SUBMISSION_ACTION = "[Synthetic.] The source says a complaint was filed with a national body."
SUBMISSION_REQUEST = "[Synthetic.] The source asks the experts to raise the case with the State."
SUBMISSION_PERPETRATORS = "[Synthetic.] Officers of a generated police unit."
SUBMISSION_PLACES = "[Synthetic.] A generated town."
MESSAGE_FROM_SOURCE = "[Synthetic message from a source.]"
MESSAGE_INFO_ADDED = "[Synthetic.] The source adds a generated detail to the account."
REPRISAL_DESCRIPTION = "[Synthetic reprisal allegation for the demonstration.]"
SURVEY_COMMENT = "[Synthetic survey answer.]"
RECOMMENDATION = (
    "[Synthetic recommendation %(number)s.] Adopt a generated measure to protect defenders."
)
