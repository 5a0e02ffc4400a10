// placeholder until the reference server lands
