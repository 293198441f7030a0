"""Building and running shard-partitioned programs on MPI processes.

Shared by test/lib/mpi_layer.py (Integration/MPI) and
bench/scale_out_bench.py: the partition pipeline (docs/scale-out.md), the
environment OpenMPI needs when run as root, and a command runner.
"""
import os
import subprocess
import sys

# sharding-propagation + shard-partition, then the communication to MPI;
# forward-backward annotates every op (upstream's default leaves some for
# shard-partition to crash on).
PARTITION = ("builtin.module(func.func(sharding-propagation"
             "{traversal=forward-backward},shard-partition),"
             "convert-shard-to-mpi,canonicalize,symbol-dce)")


def run(cmd, env=None):
    """stdout of cmd; exits with its output when it fails."""
    r = subprocess.run(cmd, capture_output=True, text=True, env=env)
    if r.returncode != 0:
        sys.exit("failed (%d): %s\n%s%s" % (r.returncode, " ".join(cmd),
                                             r.stdout, r.stderr))
    return r.stdout


def mpi_env(**extra):
    """The environment for mpirun: OpenMPI refuses root without these."""
    return dict(os.environ, OMPI_ALLOW_RUN_AS_ROOT="1",
                OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1", **extra)


def partition(rope_opt, template, values, work):
    """Writes the template with @KEY@ replaced by values into work/, runs
    the partition; returns the partitioned file and its text."""
    with open(template) as f:
        text = f.read()
    for key, value in values.items():
        text = text.replace("@%s@" % key, str(value))
    src = os.path.join(work, os.path.basename(template).replace(".in", ""))
    with open(src, "w") as f:
        f.write(text)
    part = src.replace(".mlir", ".part.mlir")
    run([rope_opt, "--pass-pipeline=" + PARTITION, src, "-o", part])
    with open(part) as f:
        return part, f.read()
