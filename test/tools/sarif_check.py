"""SARIF 2.1.0 validation for the tool tests.

validate(): against the published OASIS schema (sarif-schema-2.1.0.json,
errata01, JSON Schema draft-04) with the `jsonschema` package, when both are
available. The schema is not in this repository: point LEAKGUARD_SARIF_SCHEMA
at a copy (https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/
sarif-schema-2.1.0.json, or sarif-2.1/schema/ in github.com/oasis-tcs/sarif-spec).
Without it, a structural check of the parts leakguard writes runs instead and
how() says so.

github_requirements(): what GitHub code scanning needs on top of the schema
(https://docs.github.com/en/code-security/code-scanning/integrating-with-code-scanning/sarif-support-for-code-scanning).
"""
import os


def _schema_validator(schema_path):
    if not schema_path or not os.path.exists(schema_path):
        return None
    try:
        import json
        import jsonschema
    except ImportError:
        return None
    with open(schema_path) as f:
        schema = json.load(f)
    return jsonschema.Draft4Validator(schema)


def how(schema_path):
    if _schema_validator(schema_path):
        return "against " + os.path.basename(schema_path)
    return "STRUCTURE ONLY: no schema file or no jsonschema module"


def validate(log, schema_path):
    v = _schema_validator(schema_path)
    if v:
        return ["%s: %s" % ("/".join(map(str, e.absolute_path)), e.message)
                for e in v.iter_errors(log)]
    return structure(log)


def structure(log):
    p = []
    if log.get("version") != "2.1.0":
        p.append("version is not 2.1.0")
    runs = log.get("runs")
    if not isinstance(runs, list) or not runs:
        return p + ["no runs"]
    for i, run in enumerate(runs):
        drv = run.get("tool", {}).get("driver", {})
        if not isinstance(drv.get("name"), str):
            p.append("runs/%d: tool.driver.name" % i)
        for j, res in enumerate(run.get("results", [])):
            where = "runs/%d/results/%d" % (i, j)
            if not isinstance(res.get("message", {}).get("text"), str):
                p.append(where + ": message.text")
            if res.get("level", "warning") not in ("none", "note", "warning", "error"):
                p.append(where + ": level")
            for loc in res.get("locations", []):
                reg = loc.get("physicalLocation", {}).get("region", {})
                for k in ("startLine", "startColumn", "endLine", "endColumn"):
                    if k in reg and (not isinstance(reg[k], int) or reg[k] < 1):
                        p.append(where + ": region." + k)
    return p


def github_requirements(log):
    p = []
    for i, run in enumerate(log.get("runs", [])):
        rules = {r.get("id") for r in run.get("tool", {}).get("driver", {}).get("rules", [])}
        for j, res in enumerate(run.get("results", [])):
            where = "runs/%d/results/%d" % (i, j)
            if res.get("ruleId") not in rules:
                p.append(where + ": ruleId not among tool.driver.rules")
            locs = res.get("locations", [])
            if not locs:
                p.append(where + ": no location")
                continue
            phys = locs[0].get("physicalLocation", {})
            uri = phys.get("artifactLocation", {}).get("uri", "")
            if not uri or uri.startswith("/"):
                p.append(where + ": artifactLocation.uri missing or not a URI")
            if "startLine" not in phys.get("region", {}):
                p.append(where + ": region.startLine")
            if not res.get("partialFingerprints"):
                p.append(where + ": no partialFingerprints")
    return p
