from itertools import combinations


def all_teams(players, min_size=1):
    teams = []
    for size in range(min_size, len(players) + 1):
        for team in combinations(players, size):
            teams.append(team)
    return teams


print(len(all_teams(["ann", "bob", "cy", "dee", "eve"])))
