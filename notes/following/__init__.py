"""Following: members follow themes, cells and searches; digests, notices and private feeds."""
