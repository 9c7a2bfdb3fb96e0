"""Does every label fit? Every screen in made-up languages longer than any real one."""
