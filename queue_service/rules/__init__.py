"""Pure rules: standard library only, time passed in, plain data in and out."""
