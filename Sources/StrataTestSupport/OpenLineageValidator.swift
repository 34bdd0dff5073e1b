/// A strict validator of OpenLineage RunEvents built on openlineage-python's generated spec
/// classes (test oracle only): each JSON line of the files given as arguments is rebuilt with the
/// client's classes (unknown or missing keys raise, run ids must be UUIDs, times ISO), facet schema
/// URLs must be the client's, transformation subtypes must belong to their type, and the client's
/// serialization of the rebuilt event must equal the input. Prints how many events passed.
public enum OpenLineageValidator {
    public static let script = #"""
import json, sys
from openlineage.client.generated import base, column_lineage_dataset as cl, schema_dataset as sd
from openlineage.client.generated import error_message_run as em, documentation_job as dj, parent_run as pr
from openlineage.client.generated import dataset_version_dataset as dv, output_statistics_output_dataset as ost
from openlineage.client.generated import data_quality_assertions_dataset as dq, processing_engine_run as pe, job_type_job as jt
from openlineage.client.serde import Serde

SUBTYPES = {"DIRECT": {"IDENTITY", "TRANSFORMATION", "AGGREGATION"},
            "INDIRECT": {"JOIN", "GROUP_BY", "FILTER", "SORT", "WINDOW", "CONDITIONAL"}}

def strict(cls, d, **extra):
    return cls(**d, **extra)  # attrs raises TypeError on unknown or missing keys

def facet(cls, d, build=lambda d: d):
    d = dict(d)
    producer = d.pop("_producer")
    url = d.pop("_schemaURL")
    assert url == cls._get_schema(), f"schema URL {url} != {cls._get_schema()}"
    assert producer.startswith("https://"), producer
    return cls(**build(d), producer=producer)

def transformation(t):
    t = strict(cl.Transformation, t)
    assert t.type in SUBTYPES, t.type
    assert t.subtype in SUBTYPES[t.type], (t.type, t.subtype)
    assert isinstance(t.masking, bool)
    return t

def input_field(f):
    f = dict(f)
    ts = [transformation(t) for t in f.pop("transformations")]
    assert ts, "an input field without transformations"
    return strict(cl.InputField, f, transformations=ts)

def column_lineage(d):
    out = {"fields": {k: strict(cl.Fields, {"inputFields": [input_field(i) for i in v.pop("inputFields")]}, **v)
                      for k, v in d.pop("fields").items()}}
    if "dataset" in d:
        out["dataset"] = [input_field(i) for i in d.pop("dataset")]
    assert not d, f"unknown columnLineage keys {list(d)}"
    return out

DATASET_FACETS = {
    "schema": (sd.SchemaDatasetFacet, lambda d: {"fields": [strict(sd.SchemaDatasetFacetFields, f) for f in d.pop("fields")], **d}),
    "columnLineage": (cl.ColumnLineageDatasetFacet, column_lineage),
    "version": (dv.DatasetVersionDatasetFacet, lambda d: d),
}
INPUT_FACETS = {
    "dataQualityAssertions": (dq.DataQualityAssertionsDatasetFacet,
                              lambda d: {"assertions": [strict(dq.Assertion, a) for a in d.pop("assertions")], **d}),
}
OUTPUT_FACETS = {"outputStatistics": (ost.OutputStatisticsOutputDatasetFacet, lambda d: d)}
RUN_FACETS = {
    "errorMessage": (em.ErrorMessageRunFacet, lambda d: d),
    "processing_engine": (pe.ProcessingEngineRunFacet, lambda d: d),
    "parent": (pr.ParentRunFacet, lambda d: {"run": strict(pr.Run, d.pop("run")), "job": strict(pr.Job, d.pop("job")), **d}),
}
JOB_FACETS = {"documentation": (dj.DocumentationJobFacet, lambda d: d), "jobType": (jt.JobTypeJobFacet, lambda d: d)}

def facets(d, table):
    out = {}
    for k, v in (d or {}).items():
        assert k in table, f"unexpected facet {k}"
        cls, build = table[k]
        out[k] = facet(cls, v, build)
    return out

def dataset(cls, d):
    d = dict(d)
    extra = {}
    if "facets" in d:
        extra["facets"] = facets(d.pop("facets"), DATASET_FACETS)
    if "inputFacets" in d:
        assert cls is base.InputDataset, "inputFacets on an output"
        extra["inputFacets"] = facets(d.pop("inputFacets"), INPUT_FACETS)
    if "outputFacets" in d:
        assert cls is base.OutputDataset, "outputFacets on an input"
        extra["outputFacets"] = facets(d.pop("outputFacets"), OUTPUT_FACETS)
    return strict(cls, d, **extra)

def prune(x):
    if isinstance(x, dict):
        return {k: prune(v) for k, v in x.items() if v not in (None, {}, [])}
    if isinstance(x, list):
        return [prune(v) for v in x]
    return x

def event(d):
    d = json.loads(json.dumps(d))
    assert d.pop("schemaURL") == base.RunEvent._get_schema()
    run = d.pop("run")
    job = d.pop("job")
    ev = base.RunEvent(
        eventTime=d.pop("eventTime"), producer=d.pop("producer"), eventType=base.EventType(d.pop("eventType")),
        run=base.Run(runId=run.pop("runId"), facets=facets(run.pop("facets", None), RUN_FACETS)),
        job=base.Job(namespace=job.pop("namespace"), name=job.pop("name"), facets=facets(job.pop("facets", None), JOB_FACETS)),
        inputs=[dataset(base.InputDataset, i) for i in d.pop("inputs")],
        outputs=[dataset(base.OutputDataset, o) for o in d.pop("outputs")])
    assert not d and not run and not job, f"unknown keys {list(d) + list(run) + list(job)}"
    return ev

n = 0
for path in sys.argv[1:]:
    for lineno, line in enumerate(open(path, encoding="utf-8"), 1):
        line = line.strip()
        if not line:
            continue
        original = json.loads(line)
        try:
            ev = event(original)
            assert prune(Serde.to_dict(ev)) == prune(original), "the client's serialization differs from the input"
        except Exception as e:
            raise SystemExit(f"{path}:{lineno}: {type(e).__name__}: {e}")
        n += 1
print(n)
"""#
}
