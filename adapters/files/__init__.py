"""EXT-2: files in and out through folders and SFTP drops."""
