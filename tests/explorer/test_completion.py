"""Console completion in the Qt-free core: live objects first, jedi for the rest."""

import threading

from explorer.core.completion import CompletionJob, CompletionTimeoutError, complete


def _namespace():
    from engine import np
    from engine.gluon import nn

    net = nn.Sequential()
    net.add(nn.Dense(3))
    return {"net": net, "np": np, "nn": nn, "d": {"alpha": 1, "beta": 2}}


def test_live_chains_names_and_keys():
    ns = _namespace()
    found = complete("print(net[0].we", 15, ns)
    assert (found.start, found.candidates) == (13, ["weight"])
    assert complete("d['al", 5, ns).candidates == ["'alpha']"]
    assert complete('d["', 3, ns).candidates == ['"alpha"]', '"beta"]']
    found = complete("n", 1, ns)
    assert {"net", "nn", "np", "next", "not"} <= set(found.candidates) and found.prefix() == "n"
    assert "_private" not in " ".join(complete("net.", 4, ns).candidates)


def test_jedi_completes_what_live_objects_cannot():
    found = complete("np.zeros(3).sha", 15, _namespace())
    assert "shape" in found.candidates


def test_a_job_that_runs_too_long_is_abandoned():
    class Evil:
        def __dir__(self):
            while True:
                pass

    results, finished = [], threading.Event()
    job = CompletionJob(
        "evil.",
        5,
        {"evil": Evil()},
        lambda r: (results.append(r), finished.set()),
        time_limit_s=0.2,
    )
    job.start()
    assert finished.wait(10)
    assert isinstance(results[0], CompletionTimeoutError)
    job._thread.join(10)
    assert not job._thread.is_alive()  # the loop was broken, not left spinning


def test_completion_runs_no_property_or_getitem_of_the_learners_classes():
    ran = []

    class Sneaky:
        @property
        def inner(self):
            ran.append("property")
            return self

        def __getitem__(self, key):
            ran.append("getitem")
            return self

        value = 3

    ns = dict(_namespace(), s=Sneaky())
    complete("s.inner.va", 10, ns)
    complete("s[0].va", 7, ns)
    assert ran == []
    assert complete("s.va", 4, ns).candidates == ["value"]
    assert complete("net[0].weight.sh", 16, ns).candidates == ["shape"]  # engine code runs


def test_a_getitem_typed_in_the_console_is_not_run_either():
    ns = _namespace()
    exec(
        "ran = []\nclass C:\n    def __getitem__(self, k):\n        ran.append(k)\n"
        "        return self\nc = C()\n",
        ns,
    )
    complete("c[0].x", 6, ns)
    assert ns["ran"] == []
