import sys

try:  # Ctrl-C while the command line itself is still being imported
    from .cli import main
except KeyboardInterrupt:
    sys.stderr.write("\n已中断。\n")
    sys.exit(130)

sys.exit(main())
