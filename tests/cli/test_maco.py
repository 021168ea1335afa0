from tests.cli import run


def test_maco_writes_renders_alpha_and_grid(model_file, tmp_path, capsys):
    g = tmp_path / "g"
    args = ["maco", "-m", model_file, "--layer", "c2", "--filter", "0-1", "--steps", "4"]
    code, out, err = run([*args, "--gallery", str(g)], capsys)
    assert code == 0, err
    names = sorted(p.name for p in (g / "tiny" / "maco").glob("*.png"))
    assert names == [
        "c2-f0-alpha.png",
        "c2-f0.png",
        "c2-f1-alpha.png",
        "c2-f1.png",
        "grid-c2-0-1.png",
    ]
    assert "2 filter target(s)" in out
