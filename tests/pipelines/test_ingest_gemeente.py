"""``ingest --gemeente`` of a network source takes only a municipality of the profile: a code outside it
(GM0363, GM9999) was fetched and loaded, and ``GM`` became a filter on every buurt in the country."""
import pytest

from tests.pipelines.test_cli import invoke


@pytest.mark.parametrize("source", ["politie", "cbs-kwb"])
@pytest.mark.parametrize("code, why", [("GM0363", "is not in the profile"), ("GM9999", "is not in the profile"),
                                       ("GM", "is not a municipality code"), ("hallo", "is not a municipality code")])
def test_a_municipality_outside_the_profile_is_refused_before_fetching(home, source, code, why):
    res = invoke(home, "ingest", "--source", source, "--gemeente", code, "http://127.0.0.1:9")
    assert res.exit_code == 2 and why in res.output and "GM0118" in res.output, res.output
    assert "fetching" not in res.output and "Traceback" not in res.output


def test_the_police_query_never_filters_on_a_bare_prefix():
    from pipelines.sources.common import IngestError
    from pipelines.sources.politie import query_url

    assert "BU0118" in query_url("http://x", "GM0118", ["1.1.1"]).replace("%27", "'")
    with pytest.raises(IngestError, match="not a municipality code"):
        query_url("http://x", "GM", ["1.1.1"])
