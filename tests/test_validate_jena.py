"""A second opinion: Apache Jena's SHACL engine (Debian libapache-jena-java) on the same shapes and data.

For every shape both engines support, pySHACL and Jena must report the same focus nodes.  Skips with a
clear message when Jena or a JDK is missing (`apt-get install -y libapache-jena-java default-jdk-headless`).
"""

from __future__ import annotations

import shutil
import subprocess
import zipfile
from collections import defaultdict
from pathlib import Path

import pytest
from pyoxigraph import RdfFormat, Store

from kg.validate.engine import _union_nt, validate_single
from kg.validate.shapes import load_shapes

JAVA_DIR = Path("/usr/share/java")
DATA = Path(__file__).parent / "data"
# Jena jars and the libraries they load (Debian names, version-less symlinks)
DEPENDENCIES = ["slf4j-api", "slf4j-nop", "commons-lang3", "commons-io", "commons-codec", "commons-compress",
                "commons-csv", "commons-cli", "dexx.collection", "gson", "jackson-core", "jackson-databind",
                "jackson-annotations", "jsonld-java", "titanium-json-ld", "thrift", "protobuf",
                "commons-collections4", "guava", "failureaccess"]  # fmt: skip
# Shapes Jena 4.5 evaluates differently: StatedTotalShape's SELECT (SUM/COUNT with HAVING, joined
# through the disclosure to $this) is accepted but reports nothing under Jena's $this substitution.
JENA_UNSUPPORTED = {"StatedTotalShape"}

JAVA = r"""
import org.apache.jena.graph.Graph;
import org.apache.jena.riot.RDFDataMgr;
import org.apache.jena.shacl.ShaclValidator;
import org.apache.jena.shacl.Shapes;
import org.apache.jena.shacl.validation.ReportEntry;

public class JenaShacl {
    public static void main(String[] args) {
        Graph shapes = RDFDataMgr.loadGraph(args[0]);
        Graph data = RDFDataMgr.loadGraph(args[1]);
        for (ReportEntry e : ShaclValidator.get().validate(Shapes.parse(shapes), data).getEntries()) {
            System.out.println(e.focusNode().getURI() + "\t" + e.source().getURI());
        }
    }
}
"""


@pytest.fixture(scope="module")
def jena(tmp_path_factory) -> tuple[str, Path]:
    if not (JAVA_DIR / "jena-shacl.jar").is_file():
        pytest.skip("Apache Jena not installed (apt-get install -y libapache-jena-java)")
    if not shutil.which("javac") or not shutil.which("java"):
        pytest.skip("no JDK (javac) on PATH (apt-get install -y default-jdk-headless)")
    work = tmp_path_factory.mktemp("jena")
    jars = sorted(p for p in JAVA_DIR.glob("jena-*.jar") if not any(c.isdigit() for c in p.stem.split("-")[-1]))
    jars += [JAVA_DIR / f"{d}.jar" for d in DEPENDENCIES if (JAVA_DIR / f"{d}.jar").is_file()]
    # Debian's jena-core moves the bundled Xerces classes to package `xerces` but leaves their message
    # files under org/apache/jena/ext/xerces: copy them where the classes look, or Jena cannot start.
    res = work / "res"
    with zipfile.ZipFile(JAVA_DIR / "jena-core.jar") as z:
        prefix = "org/apache/jena/ext/xerces/"
        for name in z.namelist():
            if name.startswith(prefix) and name.endswith(".properties"):
                target = res / "xerces" / name[len(prefix):]
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(z.read(name))
    cp = ":".join([*map(str, jars), str(res), str(work)])
    (work / "JenaShacl.java").write_text(JAVA, encoding="utf-8")
    done = subprocess.run(["javac", "-cp", cp, "-d", str(work), str(work / "JenaShacl.java")],
                          capture_output=True, text=True, timeout=120)  # fmt: skip
    if done.returncode != 0:
        pytest.fail(f"cannot compile the Jena runner: {done.stderr[-2000:]}")
    return cp, work


def _jena_results(cp: str, work: Path, store: Store) -> dict[str, set[str]]:
    shapes = work / "shapes.ttl"
    data = work / "data.nt"
    load_shapes().serialize(shapes, format="turtle")
    data.write_bytes(_union_nt(store))
    done = subprocess.run(["java", "-cp", cp, "JenaShacl", str(shapes), str(data)],
                          capture_output=True, text=True, timeout=300)  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    out: dict[str, set[str]] = defaultdict(set)
    for line in done.stdout.splitlines():
        focus, shape = line.split("\t")
        out[shape.rsplit("#", 1)[-1]].add(focus)
    return out


def _pyshacl_results(store: Store) -> dict[str, set[str]]:
    out: dict[str, set[str]] = defaultdict(set)
    for r in validate_single(store):
        out[r.shape.rsplit("#", 1)[-1]].add(r.focus)
    return out


def test_jena_reports_the_same_focus_nodes_on_the_fixture(jena):
    cp, work = jena
    store = Store()
    store.load(path=str(DATA / "validate_fixture.trig"), format=RdfFormat.TRIG)
    ours = _pyshacl_results(store)
    theirs = _jena_results(cp, work, store)
    compared = (set(ours) | set(theirs)) - JENA_UNSUPPORTED
    assert len(compared) >= 25
    for shape in sorted(compared):
        assert theirs.get(shape, set()) == ours.get(shape, set()), shape
    # the documented gap is real (if Jena starts reporting it, move it back into the comparison)
    for shape in JENA_UNSUPPORTED:
        assert ours.get(shape) and not theirs.get(shape)
