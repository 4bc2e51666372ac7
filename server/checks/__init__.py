"""Opening and closing checks, the branch's equipment and its faults, tracked to the fix."""
