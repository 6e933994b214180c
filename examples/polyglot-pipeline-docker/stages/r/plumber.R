# Feature stage, in R with plumber: summary statistics and z-scores of a customer's recent transaction amounts.
# Stage contract (docs/pipelines.md): POST /predict with a JSON body, a JSON answer; GET /health when ready.

#* Ready once plumber serves.
#* @get /health
#* @serializer unboxedJSON
function() {
  list(status = "ok")
}

#* Features of the amounts in `values` (at least two numbers).
#* @post /predict
#* @serializer unboxedJSON list(digits = NA)
function(req, res) {
  values <- req$body$values
  if (!is.numeric(values) || length(values) < 2) {
    res$status <- 422
    return(list(error = "values must be an array of at least 2 numbers"))
  }
  m <- mean(values)
  s <- sd(values)
  z <- if (s > 0) (values - m) / s else rep(0, length(values))
  list(
    features = list(mean = m, sd = s, n = length(values), zscores = I(z)),
    trace = I("r"),
    # The pipeline's request id, to show that every stage sees the same one.
    requestIds = list(r = req$HTTP_X_REQUEST_ID)
  )
}
