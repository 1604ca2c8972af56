import signal
import sys

try:  # Ctrl-C while the command line itself is still being imported
    from .cli import main
except KeyboardInterrupt:
    sys.stderr.write("\n已中断。\n")
    sys.exit(130)


def _exit(code: int) -> None:
    """Exit with `code`; a Ctrl-C from now on (during the interpreter's own shutdown, e.g.
    in logging's atexit handler) changes nothing and prints no traceback."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    sys.exit(code)


try:
    code = main()
except KeyboardInterrupt:  # between main's own handler and here
    sys.stderr.write("\n已中断。\n")
    code = 130
_exit(code)
