from repcheck.cli.main import main

main()
