"""The channels-last encoder path computes what the 1-D layers compute."""
import copy

import pytest
import torch
from torch import nn

from core.nn.channels_last import encode_channels_last
from core.nn.model import ModelConfig, build_encoder


def _encoders(members: int) -> tuple[nn.Sequential, nn.Sequential]:
    torch.manual_seed(3)
    ref = build_encoder(ModelConfig(input_length=300), members).double()
    for m in ref:
        if isinstance(m, nn.BatchNorm1d) and m.affine:
            nn.init.normal_(m.weight, 1.0, 0.3)
            nn.init.normal_(m.bias, 0.0, 0.3)
    return ref, copy.deepcopy(ref)


@pytest.mark.parametrize("members", [1, 3])
def test_same_output_gradients_and_running_statistics(members):
    ref, fast = _encoders(members)
    x = torch.rand(6, members, 300, dtype=torch.float64)
    for _ in range(2):  # two training steps: running statistics and batch counts move the same way
        out_ref, out_fast = ref(x), encode_channels_last(fast, x)
        assert out_fast.shape == out_ref.shape and out_fast.is_contiguous()
        torch.testing.assert_close(out_fast, out_ref, rtol=1e-10, atol=1e-12)
        g = torch.randn_like(out_ref)
        grads_ref = torch.autograd.grad(out_ref, list(ref.parameters()), g)
        grads_fast = torch.autograd.grad(out_fast, list(fast.parameters()), g)
        for a, b in zip(grads_ref, grads_fast):
            torch.testing.assert_close(b, a, rtol=1e-9, atol=1e-11)
    for (k, a), b in zip(ref.state_dict().items(), fast.state_dict().values()):
        torch.testing.assert_close(b, a, rtol=1e-12, atol=1e-14, msg=k)
    assert fast[2].num_batches_tracked.item() == 2
    ref.eval(), fast.eval()
    torch.testing.assert_close(encode_channels_last(fast, x), ref(x), rtol=1e-10, atol=1e-12)


def test_an_unknown_layer_is_refused():
    with pytest.raises(TypeError, match="Tanh"):
        encode_channels_last(nn.Sequential(nn.Tanh()), torch.rand(2, 1, 20))
