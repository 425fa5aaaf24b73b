from moviefinder.cli import main

main()
