"""The portal: the web front end for citizens, operators, region admins and the ministry."""
