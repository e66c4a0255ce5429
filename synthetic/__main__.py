import sys

from synthetic.generator import main

sys.exit(main())
