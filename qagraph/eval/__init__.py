"""qagraph.eval"""
