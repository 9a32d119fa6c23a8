def folds_needed(thickness_mm, target_mm):
    folds = 0
    while thickness_mm < target_mm:
        thickness_mm *= 2
        folds += 1
    return folds
