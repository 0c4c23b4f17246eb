"""Engine tests train in this process, on one thread, with fixed seeds."""
import pytest
import torch


@pytest.fixture(autouse=True)
def one_thread():
    torch.set_num_threads(1)
