"""The training loop every standalone training script runs (script.py, image_script.py, autoencoder_script.py,
gan_script.py): the trainer's (loop.py) shuffling, learning-rate schedule, penalty, gradient clipping, step limit
and early stopping, written here once as the text of the scripts' main(). Each kind gives only what differs:
how an epoch shuffles, what one step computes, what an epoch reports and which loss early stopping watches."""
from __future__ import annotations

import textwrap


def _at(depth: int, code: str) -> str:
    """The lines of `code`, dedented, at `depth` levels of four spaces (each line ends with a newline)."""
    return textwrap.indent(textwrap.dedent(code).strip("\n") + "\n", "    " * depth)


def training_loop(*, data: str, shuffle: str, step: str, epoch_end: str, watched: str,
                  batchnorm: str = "HAS_BATCHNORM", model: str = "model", params: str = "params", restored: str = "",
                  main_call: str = "    main()") -> str:
    """main()'s loop, from its counters to the saved weights, inside main() (four spaces in), and the script's
    last lines, which run `main_call`, as code.

    `data` is the training tensor, `shuffle` the epoch's first lines (the order of its batches), `step` what one
    batch computes up to its `loss` (from `start`), `epoch_end` the lines that measure and print the epoch, and
    `watched` the loss early stopping watches; `batchnorm` says whether a last batch of one is skipped, `model`
    is the network that is penalised and early stopping keeps (the GAN's generator), `params` its parameters,
    and `restored` what follows restoring the best weights."""
    return (
        _at(1, f"""
            n, batch_size, step = {data}.shape[0], min(BATCH_SIZE, {data}.shape[0]), 0
            best_loss, waited, best = float("inf"), 0, None
            for epoch in range(EPOCHS):""")
        + _at(2, shuffle)
        + _at(2, f"""
            for start in range(0, n, batch_size):
                if {batchnorm} and n - start == 1:
                    break
                for group in optimizer.param_groups:
                    group["lr"] = LR * factor(SCHEDULE, epoch + start / n)""")
        + _at(3, step)
        + _at(3, f"""
            extra = penalty({model})
            if extra is not None:
                loss = loss + extra
            for p in {params}:
                p.grad = None
            loss.backward()
            if GRAD_CLIP is not None:
                torch.nn.utils.clip_grad_norm_({params}, GRAD_CLIP)
            optimizer.step()
            step += 1
            if MAX_STEPS is not None and step >= MAX_STEPS:
                break""")
        + _at(2, epoch_end)
        + _at(2, f"""
            if MAX_STEPS is not None and step >= MAX_STEPS:
                break
            if EARLY_STOPPING is not None:
                if {watched} < best_loss - EARLY_STOPPING["min_delta"]:
                    best_loss, waited = {watched}, 0
                    best = {{k: v.clone() for k, v in {model}.state_dict().items()}}
                else:
                    waited += 1
                    if waited >= EARLY_STOPPING["patience"]:
                        if EARLY_STOPPING["restore_best"] and best is not None:
                            {model}.load_state_dict(best)""")
        + (_at(6, restored) if restored else "")
        + _at(5, "break")
        + _at(1, 'torch.save(model.state_dict(), "model.pt")')
        + f'\n\nif __name__ == "__main__":\n{main_call}\n'
    )
