def top_three(values):
    head = values[:3]
    return head
