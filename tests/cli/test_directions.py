import numpy as np

from tests.cli import run


def test_direction_interpolate_interact(model_file, tmp_path, capsys):
    g = tmp_path / "g"
    np.save(tmp_path / "v.npy", np.eye(6)[:2])
    common = ["-m", model_file, "--steps", "4", "--gallery", str(g)]
    for args in (
        ["direction", "--layer", "c2", "--vector", str(tmp_path / "v.npy")],
        ["direction", "--layer", "c2", "--vector", "1,0,0,0,0,1", "--cossim-pow", "1"],
        ["interpolate", "--layer", "c2", "--from", "0", "--to", "c1:3", "--frames", "3"],
        ["interact", "--layer", "c2", "--filter", "0-2"],
    ):
        code, out, err = run([*args, *common], capsys)
        assert code == 0, err
    assert (g / "tiny" / "interpolation" / "grid-c2-0-to-c1-3.png").exists()
    assert (g / "tiny" / "interaction" / "grid-c2-pairs.png").exists()
    assert len(list((g / "tiny" / "direction").glob("*.png"))) == 3  # the second run rewrote one


def test_wrong_length_vector_is_one_line_and_writes_nothing(model_file, tmp_path, capsys):
    g = tmp_path / "g"
    args = ["direction", "-m", model_file, "--layer", "c2", "--vector", "1,2,3"]
    code, out, err = run([*args, "--gallery", str(g)], capsys)
    assert code == 2 and not g.exists()
    assert err.strip() == "error: --vector has 3 values; layer c2 has 6 channels"
