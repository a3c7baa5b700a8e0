"""`python -m iztim_app` runs the same CLI as the `iztim` console script."""

from iztim_app.cli import main

if __name__ == "__main__":
    main()
