import pytest

from interpret.cli import main
from tests.maxi_models import small_cnn


@pytest.fixture(scope="module")
def model_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("m") / "tiny.keras"
    small_cnn().save(path)
    return str(path)


def test_maco_writes_renders_alpha_and_grid(model_file, tmp_path, capsys):
    g = tmp_path / "g"
    args = ["maco", "-m", model_file, "--layer", "c2", "--filter", "0-1", "--steps", "4"]
    with pytest.raises(SystemExit) as e:
        main([*args, "--gallery", str(g)])
    out = capsys.readouterr()
    assert e.value.code == 0, out.err
    names = sorted(p.name for p in (g / "tiny" / "maco").glob("*.png"))
    assert names == [
        "c2-f0-alpha.png",
        "c2-f0.png",
        "c2-f1-alpha.png",
        "c2-f1.png",
        "grid-c2-0-1.png",
    ]
    assert "2 filter target(s)" in out.out
