# Run R surveillance::farringtonFlexible (Noufaily settings) on every series of a long CSV.
# Usage: Rscript farrington_flexible.R input.csv output.csv b w noPeriods pastWeeksNotIncluded alpha eval_start
# input columns: series (any id), period_index (1..T, consecutive), count
# Install once: apt-get install r-cran-surveillance   (a benchmark dependency only, never a runtime one)
suppressMessages(library(surveillance))
args <- commandArgs(trailingOnly = TRUE)
d <- read.csv(args[1], stringsAsFactors = FALSE)
b <- as.integer(args[3]); w <- as.integer(args[4]); np <- as.integer(args[5])
past <- as.integer(args[6]); alpha <- as.numeric(args[7]); eval_start <- as.integer(args[8])
ids <- unique(d$series)
T <- max(d$period_index)
obs <- matrix(0, nrow = T, ncol = length(ids))
for (j in seq_along(ids)) {
  part <- d[d$series == ids[j], ]
  obs[part$period_index, j] <- part$count
}
s <- sts(observed = obs, frequency = 52, start = c(2000, 1))
ctrl <- list(range = eval_start:T, b = b, w = w, noPeriods = np, pastWeeksNotIncluded = past,
             weightsThreshold = 2.58, thresholdMethod = "nbPlugin", alpha = alpha, reweight = TRUE,
             trend = TRUE, pThresholdTrend = 0.05, limit54 = c(5, 4), glmWarnings = FALSE)
t0 <- proc.time()[["elapsed"]]
r <- farringtonFlexible(s, control = ctrl)
elapsed <- proc.time()[["elapsed"]] - t0
n <- length(ctrl$range)
out <- data.frame(series = rep(ids, each = n), period_index = rep(ctrl$range, length(ids)),
                  count = as.vector(observed(r)), upper = as.vector(upperbound(r)),
                  alarm = as.vector(alarms(r)) == 1, expected = as.vector(r@control$expected),
                  pvalue = as.vector(r@control$pvalue))
write.csv(out, args[2], row.names = FALSE)
cat(sprintf("elapsed_seconds=%.3f\n", elapsed))
