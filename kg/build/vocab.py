"""The RDF terms the build writes, as ready-made pyoxigraph nodes.

Every name here is declared in ``ontology/jxkg.ttl`` (a test checks it) and
described in ``docs/rdf-model.md``.

>>> JX.Project.value
'https://w3id.org/jxkg/ontology#Project'
>>> CATEGORY["成本指标"].value
'https://w3id.org/jxkg/category/cost'
>>> LEVEL2_CATEGORY["成本指标"].value
'https://w3id.org/jxkg/category/costOutput'
"""

from __future__ import annotations

from types import SimpleNamespace

from pyoxigraph import NamedNode

from kg.build.iri import JX as JX_NS
from kg.build.iri import JXCAT

RDF_TYPE = NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
RDFS_LABEL = NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
XSD_INTEGER = NamedNode("http://www.w3.org/2001/XMLSchema#integer")
XSD_DECIMAL = NamedNode("http://www.w3.org/2001/XMLSchema#decimal")
SKOS_EXACT = NamedNode("http://www.w3.org/2004/02/skos/core#exactMatch")
SKOS_CLOSE = NamedNode("http://www.w3.org/2004/02/skos/core#closeMatch")
PROV_DERIVED = NamedNode("http://www.w3.org/ns/prov#wasDerivedFrom")
ORG_SUB = NamedNode("http://www.w3.org/ns/org#subOrganizationOf")

#: External predicates the build writes (besides rdf:type); each is declared in the ontology.
EXTERNAL_PREDICATES = (RDFS_LABEL, SKOS_EXACT, SKOS_CLOSE, PROV_DERIVED, ORG_SUB)

CLASSES = (
    "Disclosure",
    "SourceSpan",
    "StatedTotal",
    "Region",
    "BudgetUnit",
    "Project",
    "SpendingPlan",
    "Indicator",
    "Target",
    "FundingDocument",
    "IndicatorCategory",
    "Outcome",
)

PROPERTIES = (
    # Disclosure
    "fileName", "sha256", "encoding", "lineCount", "skippedLineCount", "issuer", "issuerName",
    "region", "fiscalYear", "statedTotal", "describesProject", "citesDocument", "orgUnitName",
    # StatedTotal, SourceSpan
    "totalKind", "amountWanYuan", "inDisclosure", "startLine", "endLine",
    # Region, BudgetUnit
    "regionLevel", "parentRegion", "unitCode", "unitName", "inRegion",
    # Project
    "projectName", "tableTitle", "projectCode", "projectKind", "tableNumber", "budgetUnit",
    "budgetWanYuan", "fiscalWanYuan", "otherWanYuan", "purpose", "goal", "spendingPlan",
    "fundedBy", "cites", "hasIndicator",
    # SpendingPlan
    "plannedByMarch", "plannedByJune", "plannedByOctober", "plannedByDecember", "rawText",
    # Indicator
    "rowNumber", "level1Text", "level1", "level2Text", "level2", "indicatorName", "description",
    "basis", "nature", "direction", "measureUnit", "score", "target", "linkScore", "linkRule",
    "linkStatus",
    # Target
    "rawValue", "comparator", "numericValue", "upperValue", "unit", "dimension", "qualitative",
    "grade", "note", "valueYuan", "status",
    # self-evaluation (issue 7): Project, Indicator, Outcome
    "tableKind", "evaluationYear", "executedWanYuan", "executionRate", "totalPoints", "outcome",
    "horizon", "outcomeOf", "actualRaw", "actualValue", "points", "deviationReason",
    # FundingDocument
    "documentNumber", "rawNumber", "issuerAbbreviation", "documentYear", "serialNumber",
    "fundingLevel",
    # indicator concepts (ontology/indicators.ttl)
    "expectedDimension", "typicalUnit", "typicalDimension", "uncoveredLabel",
)  # fmt: skip

#: ``JX.Project``, ``JX.budgetUnit`` …: one NamedNode per jx: term.
JX = SimpleNamespace(**{name: NamedNode(JX_NS + name) for name in CLASSES + PROPERTIES})

# Canonical category names (as the parse stage writes them) → SKOS categories.
_LEVEL1 = {
    "产出指标": "output",
    "效益指标": "benefit",
    "满意度指标": "satisfaction",
    "成本指标": "cost",
}
_LEVEL2 = {
    "数量指标": "quantity",
    "质量指标": "quality",
    "时效指标": "timeliness",
    "成本指标": "costOutput",
    "经济效益指标": "economic",
    "社会效益指标": "social",
    "生态效益指标": "ecological",
    "可持续影响指标": "sustainable",
    "服务对象满意度指标": "serviceSatisfaction",
    "经济成本指标": "economicCost",
    "社会成本指标": "socialCost",
    "生态环境成本指标": "ecoCost",
}

#: 一级 category name → jxcat: node.
CATEGORY = {k: NamedNode(JXCAT + v) for k, v in _LEVEL1.items()}
#: 二级 category name → jxcat: node.
LEVEL2_CATEGORY = {k: NamedNode(JXCAT + v) for k, v in _LEVEL2.items()}
