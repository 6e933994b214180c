# Starts the feature stage: HOST and PORT from the environment (0.0.0.0:8000 in the container, the r preset's port).
host <- Sys.getenv("HOST", "0.0.0.0")
port <- as.integer(Sys.getenv("PORT", "8000"))
plumber::pr_run(plumber::plumb("plumber.R"), host = host, port = port, docs = FALSE)
