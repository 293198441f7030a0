"""The GPU pipeline's tiled form as a CPU program: the IR of
rope-gpu-tiled-stage (block loops over tokens, each linalg op of a token
over the block's threads, vectorized; the GPU path's numerics: NaN for
unchecked positions, the magic-number quadrant rounding, device-side
reductions), before its mapping to gpu.launch. On the CPU the block and
thread loops run as loops, and a block's workgroup buffers are its
iteration's own (the memory space is the one thing the CPU lowering has no
conversion for)."""
import subprocess


def form(rope_opt, case_path, out_path):
    """Writes the tiled form of case_path to out_path; returns None or an
    error message."""
    proc = subprocess.run([rope_opt, case_path,
                           "--pass-pipeline=builtin.module(rope-gpu-tiled-stage)"],
                          capture_output=True, text=True)
    if proc.returncode != 0:
        return "rope-gpu-tiled-stage exited %d: %s" % (proc.returncode,
                                                      proc.stderr.strip()[:2000])
    text = proc.stdout
    if "#gpu.block<" not in text or "#gpu.thread<" not in text:
        return "no block and thread loops in the GPU tiled form"
    with open(out_path, "w") as f:
        f.write(text.replace(" {memory_space = #gpu.address_space<workgroup>}", ""))
    return None
