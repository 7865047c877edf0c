import sys

from .cli import main

if __name__ == "__main__":  # guarded: batch worker processes import this module again
    sys.exit(main())
